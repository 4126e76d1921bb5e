import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class CreateFeedbackRecordInput {
  @Field(() => ID)
  facilityId!: string;

  @Field(() => String)
  title!: string;
}
