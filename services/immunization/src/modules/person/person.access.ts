import { forbidden, notFound, unauthenticated } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import type { PersonEntity } from './person.entity.js';

/**
 * Who may see a person: the person (own account) and their guardians; health workers of a facility
 * the person is linked to (registered or vaccinated there); admins. Partners never see a person.
 * A citizen asking for someone else gets FORBIDDEN whether or not the id exists.
 */
export async function visiblePerson(ctx: ImmunizationContext, id: string): Promise<PersonEntity> {
  const { claims } = ctx.request;
  switch (claims.role) {
    case 'anonymous':
      throw unauthenticated();
    case 'partner':
      throw forbidden('Partners see aggregates only, never a person', 'Mitra hanya melihat data agregat, bukan data perorangan');
    case 'citizen': {
      if (!(await ctx.loaders.citizenScope()).has(id))
        throw forbidden('This is not your record or your dependant', 'Ini bukan data Anda atau tanggungan Anda');
      const person = await ctx.loaders.person.load(id);
      if (!person) throw notFound('Orang', 'id');
      return person;
    }
    case 'health-worker': {
      const person = await ctx.loaders.person.load(id);
      if (!person) throw notFound('Orang', 'id');
      if (!(await ctx.loaders.atMyFacility.load(id))) {
        throw forbidden(
          'This person is not registered or vaccinated at your facility',
          'Orang ini tidak terdaftar atau divaksinasi di fasilitas Anda',
        );
      }
      return person;
    }
    case 'admin': {
      const person = await ctx.loaders.person.load(id);
      if (!person) throw notFound('Orang', 'id');
      return person;
    }
  }
}
