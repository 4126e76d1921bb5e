import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { FacilityRef } from '../../external/facility.stub.js';

@Directive('@key(fields: "id")')
@ObjectType('FeedbackRecord', { description: 'A record a facility keeps (the sample aggregate of the scaffold).' })
export class FeedbackRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => FacilityRef)
  facility!: FacilityRef;

  @Field(() => String, { description: 'ISO 8601' })
  createdAt!: string;
}
