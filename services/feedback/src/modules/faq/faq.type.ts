import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An earlier (or the current) version of an FAQ entry' })
export class FaqRevision {
  @Field(() => Int)
  version!: number;
  @Field(() => String)
  questionId!: string;
  @Field(() => String)
  questionEn!: string;
  @Field(() => String)
  answerId!: string;
  @Field(() => String)
  answerEn!: string;
  @Field(() => Boolean)
  published!: boolean;
  @Field(() => String)
  changedAt!: string;
}

@ObjectType({ description: 'A frequently asked question, in Indonesian and English, versioned' })
export class FaqEntry {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  slug!: string;
  @Field(() => Int)
  version!: number;
  @Field(() => String)
  questionId!: string;
  @Field(() => String)
  questionEn!: string;
  @Field(() => String)
  answerId!: string;
  @Field(() => String)
  answerEn!: string;
  @Field(() => [String])
  tags!: string[];
  @Field(() => Boolean)
  published!: boolean;
  @Field(() => String)
  updatedAt!: string;
}

@InputType()
export class SaveFaqEntryInput {
  @Field(() => String)
  slug!: string;
  @Field(() => String)
  questionId!: string;
  @Field(() => String)
  questionEn!: string;
  @Field(() => String)
  answerId!: string;
  @Field(() => String)
  answerEn!: string;
  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
  @Field(() => Boolean)
  published!: boolean;
  @Field(() => Int, { nullable: true, description: 'The version edited; empty for a new entry. Another current version is a CONFLICT.' })
  expectedVersion?: number | null;
}
