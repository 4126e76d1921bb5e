import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { AreaRef } from '../../external/area.stub.js';

@Directive('@key(fields: "id")')
@ObjectType('Person', {
  description: 'A person in the immunization registry; visible to the person, their guardians, health workers and admins',
})
export class Person {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Birth date, YYYY-MM-DD' })
  birthDate!: string;

  @Field(() => String)
  sex!: string;

  @Field(() => AreaRef, { description: 'Kelurahan of residence' })
  residence!: AreaRef;
}
