/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** DOSE: one dose; RECORD: all of a person's valid doses in one card (school enrolment) */
export type HealthCardKind =
  | 'DOSE'
  | 'RECORD';

/** REPLACED: a newer record card holds more doses (this one stays true); REVOKED: listed in the revocation list */
export type HealthCardStatus =
  | 'ACTIVE'
  | 'REPLACED'
  | 'REVOKED';

export type HealthCardIssuerQueryVariables = Exact<{ [key: string]: never; }>;


export type HealthCardIssuerQuery = { healthCardIssuer: { issuer: string, keys: Array<{ kid: string, kty: string, crv: string, x: string, y: string, alg: string, use: string, exp: number | null, crlVersion: number }>, revocationLists: Array<{ kid: string, method: string, ctr: number, rids: Array<string> }> } };

export type HealthCardPdfQueryVariables = Exact<{
  id: string | number;
}>;


export type HealthCardPdfQuery = { healthCard: { id: string, kind: HealthCardKind, status: HealthCardStatus, issuedAt: string, issuer: string, qr: string, holderName: string, holderBirthDate: string, doses: Array<{ vaccine: string, manufacturer: string | null, lotNumber: string, date: string, doseNumber: number, totalDoses: number, centre: string, country: string, nextDose: string | null, declared: boolean }> } };

export type CertificatePeopleQueryVariables = Exact<{ [key: string]: never; }>;


export type CertificatePeopleQuery = { myPerson: { id: string, fullName: string } | null, myDependants: Array<{ id: string, fullName: string }> };

export type PersonHealthCardsQueryVariables = Exact<{
  personId: string | number;
}>;


export type PersonHealthCardsQuery = { healthCards: Array<{ id: string, kind: HealthCardKind, status: HealthCardStatus, issuedAt: string, qr: string, holderName: string, holderBirthDate: string, doses: Array<{ vaccine: string, manufacturer: string | null, lotNumber: string, date: string, doseNumber: number, totalDoses: number, centre: string, nextDose: string | null, declared: boolean }> }> };


export const HealthCardIssuerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HealthCardIssuer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"healthCardIssuer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"keys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"kty"}},{"kind":"Field","name":{"kind":"Name","value":"crv"}},{"kind":"Field","name":{"kind":"Name","value":"x"}},{"kind":"Field","name":{"kind":"Name","value":"y"}},{"kind":"Field","name":{"kind":"Name","value":"alg"}},{"kind":"Field","name":{"kind":"Name","value":"use"}},{"kind":"Field","name":{"kind":"Name","value":"exp"}},{"kind":"Field","name":{"kind":"Name","value":"crlVersion"}}]}},{"kind":"Field","name":{"kind":"Name","value":"revocationLists"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kid"}},{"kind":"Field","name":{"kind":"Name","value":"method"}},{"kind":"Field","name":{"kind":"Name","value":"ctr"}},{"kind":"Field","name":{"kind":"Name","value":"rids"}}]}}]}}]}}]} as unknown as DocumentNode<HealthCardIssuerQuery, HealthCardIssuerQueryVariables>;
export const HealthCardPdfDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HealthCardPdf"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"healthCard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"issuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"issuer"}},{"kind":"Field","name":{"kind":"Name","value":"qr"}},{"kind":"Field","name":{"kind":"Name","value":"holderName"}},{"kind":"Field","name":{"kind":"Name","value":"holderBirthDate"}},{"kind":"Field","name":{"kind":"Name","value":"doses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vaccine"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"lotNumber"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"doseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"totalDoses"}},{"kind":"Field","name":{"kind":"Name","value":"centre"}},{"kind":"Field","name":{"kind":"Name","value":"country"}},{"kind":"Field","name":{"kind":"Name","value":"nextDose"}},{"kind":"Field","name":{"kind":"Name","value":"declared"}}]}}]}}]}}]} as unknown as DocumentNode<HealthCardPdfQuery, HealthCardPdfQueryVariables>;
export const CertificatePeopleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CertificatePeople"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myPerson"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"myDependants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]} as unknown as DocumentNode<CertificatePeopleQuery, CertificatePeopleQueryVariables>;
export const PersonHealthCardsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PersonHealthCards"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"personId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"healthCards"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"personId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"personId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"issuedAt"}},{"kind":"Field","name":{"kind":"Name","value":"qr"}},{"kind":"Field","name":{"kind":"Name","value":"holderName"}},{"kind":"Field","name":{"kind":"Name","value":"holderBirthDate"}},{"kind":"Field","name":{"kind":"Name","value":"doses"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vaccine"}},{"kind":"Field","name":{"kind":"Name","value":"manufacturer"}},{"kind":"Field","name":{"kind":"Name","value":"lotNumber"}},{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"doseNumber"}},{"kind":"Field","name":{"kind":"Name","value":"totalDoses"}},{"kind":"Field","name":{"kind":"Name","value":"centre"}},{"kind":"Field","name":{"kind":"Name","value":"nextDose"}},{"kind":"Field","name":{"kind":"Name","value":"declared"}}]}}]}}]}}]} as unknown as DocumentNode<PersonHealthCardsQuery, PersonHealthCardsQueryVariables>;