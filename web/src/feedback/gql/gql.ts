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
    "\n  query ComplaintCategories {\n    complaintCategories {\n      code\n      name\n      nameEn\n      subjects\n    }\n  }\n": typeof types.ComplaintCategoriesDocument,
    "\n  query ComplaintFacilities {\n    facilities(first: 200) {\n      edges {\n        node {\n          id\n          name\n          type\n          area {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.ComplaintFacilitiesDocument,
    "\n  query ComplaintVisits {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          session {\n            id\n          }\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.ComplaintVisitsDocument,
    "\n  query ComplaintDoses {\n    myPerson {\n      id\n      doseRecords {\n        edges {\n          node {\n            id\n            antigen\n            doseNumber\n            administeredAt\n            facility {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ComplaintDosesDocument,
    "\n  query MyComplaints {\n    myComplaints(first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          status\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          resolvedAt\n          closedAt\n          escalations\n          rejectionReason\n          resolution\n          rating\n          reopenedCount\n          reopenableUntil\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n": typeof types.MyComplaintsDocument,
    "\n  mutation SubmitComplaint($input: SubmitComplaintInput!) {\n    submitComplaint(input: $input) {\n      id\n      reference\n      status\n      responseDueAt\n      resolutionDueAt\n    }\n  }\n": typeof types.SubmitComplaintDocument,
    "\n  mutation RateComplaint($id: ID!, $rating: Int!) {\n    rateComplaint(id: $id, rating: $rating) {\n      id\n      status\n      rating\n      closedAt\n      reopenableUntil\n    }\n  }\n": typeof types.RateComplaintDocument,
    "\n  mutation ReopenComplaint($id: ID!, $reason: String!) {\n    reopenComplaint(id: $id, reason: $reason) {\n      id\n      status\n      reopenedCount\n      resolutionDueAt\n      resolvedAt\n      closedAt\n      reopenableUntil\n    }\n  }\n": typeof types.ReopenComplaintDocument,
    "\n  query ComplaintQueue($facilityId: ID, $statuses: [ComplaintStatus!]) {\n    complaintQueue(facilityId: $facilityId, statuses: $statuses, first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          subjectId\n          status\n          handling\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          escalations\n          channel\n          onBehalf\n          reopenedCount\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n": typeof types.ComplaintQueueDocument,
    "\n  mutation AssignComplaint($id: ID!, $input: AssignComplaintInput) {\n    assignComplaint(id: $id, input: $input) {\n      id\n      status\n      handling\n      resolutionDueAt\n      firstResponseAt\n    }\n  }\n": typeof types.AssignComplaintDocument,
    "\n  mutation StartComplaint($id: ID!) {\n    startComplaint(id: $id) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n": typeof types.StartComplaintDocument,
    "\n  mutation ReplyToComplaint($id: ID!, $message: String!) {\n    replyToComplaint(id: $id, message: $message) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n": typeof types.ReplyToComplaintDocument,
    "\n  mutation ResolveComplaint($id: ID!, $resolution: String!) {\n    resolveComplaint(id: $id, resolution: $resolution) {\n      id\n      status\n      resolution\n      resolvedAt\n    }\n  }\n": typeof types.ResolveComplaintDocument,
    "\n  mutation RejectComplaint($id: ID!, $reason: String!) {\n    rejectComplaint(id: $id, reason: $reason) {\n      id\n      status\n      rejectionReason\n      closedAt\n    }\n  }\n": typeof types.RejectComplaintDocument,
    "\n  query FaqSearch($search: String) {\n    faq(search: $search) {\n      id\n      slug\n      version\n      questionId\n      questionEn\n      answerId\n      answerEn\n      tags\n    }\n  }\n": typeof types.FaqSearchDocument,
    "\n  query MySurveys {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n          survey {\n            id\n            visitDate\n            answered\n            token\n          }\n        }\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n": typeof types.MySurveysDocument,
    "\n  query SurveyLink($token: String!) {\n    surveyLink(token: $token) {\n      visitDate\n      expiresAt\n      facility {\n        id\n        name\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n": typeof types.SurveyLinkDocument,
    "\n  mutation AnswerSurvey($input: AnswerSurveyInput!) {\n    answerSurvey(input: $input) {\n      invitationId\n    }\n  }\n": typeof types.AnswerSurveyDocument,
};
const documents: Documents = {
    "\n  query ComplaintCategories {\n    complaintCategories {\n      code\n      name\n      nameEn\n      subjects\n    }\n  }\n": types.ComplaintCategoriesDocument,
    "\n  query ComplaintFacilities {\n    facilities(first: 200) {\n      edges {\n        node {\n          id\n          name\n          type\n          area {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n": types.ComplaintFacilitiesDocument,
    "\n  query ComplaintVisits {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          session {\n            id\n          }\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n": types.ComplaintVisitsDocument,
    "\n  query ComplaintDoses {\n    myPerson {\n      id\n      doseRecords {\n        edges {\n          node {\n            id\n            antigen\n            doseNumber\n            administeredAt\n            facility {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ComplaintDosesDocument,
    "\n  query MyComplaints {\n    myComplaints(first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          status\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          resolvedAt\n          closedAt\n          escalations\n          rejectionReason\n          resolution\n          rating\n          reopenedCount\n          reopenableUntil\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n": types.MyComplaintsDocument,
    "\n  mutation SubmitComplaint($input: SubmitComplaintInput!) {\n    submitComplaint(input: $input) {\n      id\n      reference\n      status\n      responseDueAt\n      resolutionDueAt\n    }\n  }\n": types.SubmitComplaintDocument,
    "\n  mutation RateComplaint($id: ID!, $rating: Int!) {\n    rateComplaint(id: $id, rating: $rating) {\n      id\n      status\n      rating\n      closedAt\n      reopenableUntil\n    }\n  }\n": types.RateComplaintDocument,
    "\n  mutation ReopenComplaint($id: ID!, $reason: String!) {\n    reopenComplaint(id: $id, reason: $reason) {\n      id\n      status\n      reopenedCount\n      resolutionDueAt\n      resolvedAt\n      closedAt\n      reopenableUntil\n    }\n  }\n": types.ReopenComplaintDocument,
    "\n  query ComplaintQueue($facilityId: ID, $statuses: [ComplaintStatus!]) {\n    complaintQueue(facilityId: $facilityId, statuses: $statuses, first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          subjectId\n          status\n          handling\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          escalations\n          channel\n          onBehalf\n          reopenedCount\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n": types.ComplaintQueueDocument,
    "\n  mutation AssignComplaint($id: ID!, $input: AssignComplaintInput) {\n    assignComplaint(id: $id, input: $input) {\n      id\n      status\n      handling\n      resolutionDueAt\n      firstResponseAt\n    }\n  }\n": types.AssignComplaintDocument,
    "\n  mutation StartComplaint($id: ID!) {\n    startComplaint(id: $id) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n": types.StartComplaintDocument,
    "\n  mutation ReplyToComplaint($id: ID!, $message: String!) {\n    replyToComplaint(id: $id, message: $message) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n": types.ReplyToComplaintDocument,
    "\n  mutation ResolveComplaint($id: ID!, $resolution: String!) {\n    resolveComplaint(id: $id, resolution: $resolution) {\n      id\n      status\n      resolution\n      resolvedAt\n    }\n  }\n": types.ResolveComplaintDocument,
    "\n  mutation RejectComplaint($id: ID!, $reason: String!) {\n    rejectComplaint(id: $id, reason: $reason) {\n      id\n      status\n      rejectionReason\n      closedAt\n    }\n  }\n": types.RejectComplaintDocument,
    "\n  query FaqSearch($search: String) {\n    faq(search: $search) {\n      id\n      slug\n      version\n      questionId\n      questionEn\n      answerId\n      answerEn\n      tags\n    }\n  }\n": types.FaqSearchDocument,
    "\n  query MySurveys {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n          survey {\n            id\n            visitDate\n            answered\n            token\n          }\n        }\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n": types.MySurveysDocument,
    "\n  query SurveyLink($token: String!) {\n    surveyLink(token: $token) {\n      visitDate\n      expiresAt\n      facility {\n        id\n        name\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n": types.SurveyLinkDocument,
    "\n  mutation AnswerSurvey($input: AnswerSurveyInput!) {\n    answerSurvey(input: $input) {\n      invitationId\n    }\n  }\n": types.AnswerSurveyDocument,
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
export function graphql(source: "\n  query ComplaintCategories {\n    complaintCategories {\n      code\n      name\n      nameEn\n      subjects\n    }\n  }\n"): (typeof documents)["\n  query ComplaintCategories {\n    complaintCategories {\n      code\n      name\n      nameEn\n      subjects\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ComplaintFacilities {\n    facilities(first: 200) {\n      edges {\n        node {\n          id\n          name\n          type\n          area {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ComplaintFacilities {\n    facilities(first: 200) {\n      edges {\n        node {\n          id\n          name\n          type\n          area {\n            code\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ComplaintVisits {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          session {\n            id\n          }\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ComplaintVisits {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          session {\n            id\n          }\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ComplaintDoses {\n    myPerson {\n      id\n      doseRecords {\n        edges {\n          node {\n            id\n            antigen\n            doseNumber\n            administeredAt\n            facility {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ComplaintDoses {\n    myPerson {\n      id\n      doseRecords {\n        edges {\n          node {\n            id\n            antigen\n            doseNumber\n            administeredAt\n            facility {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyComplaints {\n    myComplaints(first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          status\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          resolvedAt\n          closedAt\n          escalations\n          rejectionReason\n          resolution\n          rating\n          reopenedCount\n          reopenableUntil\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyComplaints {\n    myComplaints(first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          status\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          resolvedAt\n          closedAt\n          escalations\n          rejectionReason\n          resolution\n          rating\n          reopenedCount\n          reopenableUntil\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitComplaint($input: SubmitComplaintInput!) {\n    submitComplaint(input: $input) {\n      id\n      reference\n      status\n      responseDueAt\n      resolutionDueAt\n    }\n  }\n"): (typeof documents)["\n  mutation SubmitComplaint($input: SubmitComplaintInput!) {\n    submitComplaint(input: $input) {\n      id\n      reference\n      status\n      responseDueAt\n      resolutionDueAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RateComplaint($id: ID!, $rating: Int!) {\n    rateComplaint(id: $id, rating: $rating) {\n      id\n      status\n      rating\n      closedAt\n      reopenableUntil\n    }\n  }\n"): (typeof documents)["\n  mutation RateComplaint($id: ID!, $rating: Int!) {\n    rateComplaint(id: $id, rating: $rating) {\n      id\n      status\n      rating\n      closedAt\n      reopenableUntil\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenComplaint($id: ID!, $reason: String!) {\n    reopenComplaint(id: $id, reason: $reason) {\n      id\n      status\n      reopenedCount\n      resolutionDueAt\n      resolvedAt\n      closedAt\n      reopenableUntil\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenComplaint($id: ID!, $reason: String!) {\n    reopenComplaint(id: $id, reason: $reason) {\n      id\n      status\n      reopenedCount\n      resolutionDueAt\n      resolvedAt\n      closedAt\n      reopenableUntil\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ComplaintQueue($facilityId: ID, $statuses: [ComplaintStatus!]) {\n    complaintQueue(facilityId: $facilityId, statuses: $statuses, first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          subjectId\n          status\n          handling\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          escalations\n          channel\n          onBehalf\n          reopenedCount\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ComplaintQueue($facilityId: ID, $statuses: [ComplaintStatus!]) {\n    complaintQueue(facilityId: $facilityId, statuses: $statuses, first: 200) {\n      edges {\n        node {\n          id\n          reference\n          subjectType\n          subjectId\n          status\n          handling\n          description\n          submittedAt\n          responseDueAt\n          resolutionDueAt\n          firstResponseAt\n          escalations\n          channel\n          onBehalf\n          reopenedCount\n          facility {\n            id\n            name\n          }\n          category {\n            code\n            name\n            nameEn\n          }\n          history {\n            at\n            actorRole\n            action\n            status\n            note\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AssignComplaint($id: ID!, $input: AssignComplaintInput) {\n    assignComplaint(id: $id, input: $input) {\n      id\n      status\n      handling\n      resolutionDueAt\n      firstResponseAt\n    }\n  }\n"): (typeof documents)["\n  mutation AssignComplaint($id: ID!, $input: AssignComplaintInput) {\n    assignComplaint(id: $id, input: $input) {\n      id\n      status\n      handling\n      resolutionDueAt\n      firstResponseAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartComplaint($id: ID!) {\n    startComplaint(id: $id) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n"): (typeof documents)["\n  mutation StartComplaint($id: ID!) {\n    startComplaint(id: $id) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplyToComplaint($id: ID!, $message: String!) {\n    replyToComplaint(id: $id, message: $message) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n"): (typeof documents)["\n  mutation ReplyToComplaint($id: ID!, $message: String!) {\n    replyToComplaint(id: $id, message: $message) {\n      id\n      status\n      firstResponseAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveComplaint($id: ID!, $resolution: String!) {\n    resolveComplaint(id: $id, resolution: $resolution) {\n      id\n      status\n      resolution\n      resolvedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveComplaint($id: ID!, $resolution: String!) {\n    resolveComplaint(id: $id, resolution: $resolution) {\n      id\n      status\n      resolution\n      resolvedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RejectComplaint($id: ID!, $reason: String!) {\n    rejectComplaint(id: $id, reason: $reason) {\n      id\n      status\n      rejectionReason\n      closedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RejectComplaint($id: ID!, $reason: String!) {\n    rejectComplaint(id: $id, reason: $reason) {\n      id\n      status\n      rejectionReason\n      closedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FaqSearch($search: String) {\n    faq(search: $search) {\n      id\n      slug\n      version\n      questionId\n      questionEn\n      answerId\n      answerEn\n      tags\n    }\n  }\n"): (typeof documents)["\n  query FaqSearch($search: String) {\n    faq(search: $search) {\n      id\n      slug\n      version\n      questionId\n      questionEn\n      answerId\n      answerEn\n      tags\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MySurveys {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n          survey {\n            id\n            visitDate\n            answered\n            token\n          }\n        }\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n"): (typeof documents)["\n  query MySurveys {\n    myAppointments {\n      edges {\n        node {\n          id\n          status\n          sessionDate\n          fullName\n          product {\n            code\n            name\n          }\n          facility {\n            id\n            name\n          }\n          survey {\n            id\n            visitDate\n            answered\n            token\n          }\n        }\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SurveyLink($token: String!) {\n    surveyLink(token: $token) {\n      visitDate\n      expiresAt\n      facility {\n        id\n        name\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n"): (typeof documents)["\n  query SurveyLink($token: String!) {\n    surveyLink(token: $token) {\n      visitDate\n      expiresAt\n      facility {\n        id\n        name\n      }\n    }\n    surveyElements {\n      code\n      key\n      name\n      nameEn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerSurvey($input: AnswerSurveyInput!) {\n    answerSurvey(input: $input) {\n      invitationId\n    }\n  }\n"): (typeof documents)["\n  mutation AnswerSurvey($input: AnswerSurveyInput!) {\n    answerSurvey(input: $input) {\n      invitationId\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;