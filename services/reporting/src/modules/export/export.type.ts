import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ReportTable {
  COVERAGE = 'COVERAGE',
  CHILD_INDICATORS = 'CHILD_INDICATORS',
  FACILITY_INDICATORS = 'FACILITY_INDICATORS',
}
registerEnumType(ReportTable, { name: 'ReportTable', description: 'A table that can be exported (the query of the same name)' });

@ObjectType('ReportExport', { description: 'One table as a file, with the same rows and suppression as the requester sees' })
export class ReportExport {
  @Field(() => ReportTable)
  table!: ReportTable;

  @Field(() => String)
  filename!: string;

  @Field(() => String, { description: 'text/csv or application/json' })
  contentType!: string;

  @Field(() => String, {
    description: 'The file: CSV (RFC 4180, header row, empty cell = hidden or not applicable) or DHIS2 dataValueSets JSON',
  })
  content!: string;

  @Field(() => Int, { description: 'Table rows (CSV lines without the header, or DHIS2 data values)' })
  rows!: number;
}
