import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { notFound, requireRole } from '@victori/shared';
import type { ImmunizationContext } from '../../context.js';
import { areaRef } from '../../external/area.stub.js';
import { PersonEntity } from './person.entity.js';
import { Person } from './person.type.js';

export function toPerson(e: PersonEntity): Person {
  return Object.assign(new Person(), { id: e.id, birthDate: e.birthDate, sex: e.sex, residence: areaRef(e.residenceKelurahanCode) });
}

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { description: 'A person by id; health workers and admins' })
  async person(@Ctx() ctx: ImmunizationContext, @Arg('id', () => ID) id: string): Promise<Person> {
    requireRole(ctx.request.claims, 'health-worker', 'admin');
    const entity = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.em.findOne(PersonEntity, { id }) : null;
    if (!entity) throw notFound('Orang', 'id');
    return toPerson(entity);
  }
}
