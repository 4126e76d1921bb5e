/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query HealthCardIssuer {\n    healthCardIssuer {\n      issuer\n      keys {\n        kid\n        kty\n        crv\n        x\n        y\n        alg\n        use\n        exp\n        crlVersion\n      }\n      revocationLists {\n        kid\n        method\n        ctr\n        rids\n      }\n    }\n  }\n": typeof types.HealthCardIssuerDocument,
    "\n  query HealthCardPdf($id: ID!) {\n    healthCard(id: $id) {\n      id\n      kind\n      status\n      issuedAt\n      issuer\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        country\n        nextDose\n        declared\n      }\n    }\n  }\n": typeof types.HealthCardPdfDocument,
    "\n  query CertificatePeople {\n    myPerson {\n      id\n      fullName\n    }\n    myDependants {\n      id\n      fullName\n    }\n  }\n": typeof types.CertificatePeopleDocument,
    "\n  query PersonHealthCards($personId: ID!) {\n    healthCards(personId: $personId) {\n      id\n      kind\n      status\n      issuedAt\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        nextDose\n        declared\n      }\n    }\n  }\n": typeof types.PersonHealthCardsDocument,
};
const documents: Documents = {
    "\n  query HealthCardIssuer {\n    healthCardIssuer {\n      issuer\n      keys {\n        kid\n        kty\n        crv\n        x\n        y\n        alg\n        use\n        exp\n        crlVersion\n      }\n      revocationLists {\n        kid\n        method\n        ctr\n        rids\n      }\n    }\n  }\n": types.HealthCardIssuerDocument,
    "\n  query HealthCardPdf($id: ID!) {\n    healthCard(id: $id) {\n      id\n      kind\n      status\n      issuedAt\n      issuer\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        country\n        nextDose\n        declared\n      }\n    }\n  }\n": types.HealthCardPdfDocument,
    "\n  query CertificatePeople {\n    myPerson {\n      id\n      fullName\n    }\n    myDependants {\n      id\n      fullName\n    }\n  }\n": types.CertificatePeopleDocument,
    "\n  query PersonHealthCards($personId: ID!) {\n    healthCards(personId: $personId) {\n      id\n      kind\n      status\n      issuedAt\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        nextDose\n        declared\n      }\n    }\n  }\n": types.PersonHealthCardsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HealthCardIssuer {\n    healthCardIssuer {\n      issuer\n      keys {\n        kid\n        kty\n        crv\n        x\n        y\n        alg\n        use\n        exp\n        crlVersion\n      }\n      revocationLists {\n        kid\n        method\n        ctr\n        rids\n      }\n    }\n  }\n"): (typeof documents)["\n  query HealthCardIssuer {\n    healthCardIssuer {\n      issuer\n      keys {\n        kid\n        kty\n        crv\n        x\n        y\n        alg\n        use\n        exp\n        crlVersion\n      }\n      revocationLists {\n        kid\n        method\n        ctr\n        rids\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HealthCardPdf($id: ID!) {\n    healthCard(id: $id) {\n      id\n      kind\n      status\n      issuedAt\n      issuer\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        country\n        nextDose\n        declared\n      }\n    }\n  }\n"): (typeof documents)["\n  query HealthCardPdf($id: ID!) {\n    healthCard(id: $id) {\n      id\n      kind\n      status\n      issuedAt\n      issuer\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        country\n        nextDose\n        declared\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CertificatePeople {\n    myPerson {\n      id\n      fullName\n    }\n    myDependants {\n      id\n      fullName\n    }\n  }\n"): (typeof documents)["\n  query CertificatePeople {\n    myPerson {\n      id\n      fullName\n    }\n    myDependants {\n      id\n      fullName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PersonHealthCards($personId: ID!) {\n    healthCards(personId: $personId) {\n      id\n      kind\n      status\n      issuedAt\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        nextDose\n        declared\n      }\n    }\n  }\n"): (typeof documents)["\n  query PersonHealthCards($personId: ID!) {\n    healthCards(personId: $personId) {\n      id\n      kind\n      status\n      issuedAt\n      qr\n      holderName\n      holderBirthDate\n      doses {\n        vaccine\n        manufacturer\n        lotNumber\n        date\n        doseNumber\n        totalDoses\n        centre\n        nextDose\n        declared\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;