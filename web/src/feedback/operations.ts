import { graphql } from './gql/index.js';

// The feedback pages' documents (issue 17 item 4), in a generator of their own (codegen.ts) so that the
// citizens' entry chunk does not carry them. Every one is in dist/persisted-documents.json (postbuild).

export const ComplaintCategories = graphql(`
  query ComplaintCategories {
    complaintCategories {
      code
      name
      nameEn
      subjects
    }
  }
`);

export const ComplaintFacilities = graphql(`
  query ComplaintFacilities {
    facilities(first: 200) {
      edges {
        node {
          id
          name
          type
          area {
            code
            name
          }
        }
      }
    }
  }
`);

export const ComplaintVisits = graphql(`
  query ComplaintVisits {
    myAppointments {
      edges {
        node {
          id
          status
          sessionDate
          fullName
          session {
            id
          }
          product {
            code
            name
          }
          facility {
            id
            name
          }
        }
      }
    }
  }
`);

export const ComplaintDoses = graphql(`
  query ComplaintDoses {
    myPerson {
      id
      doseRecords {
        edges {
          node {
            id
            antigen
            doseNumber
            administeredAt
            facility {
              id
              name
            }
          }
        }
      }
    }
  }
`);

export const MyComplaints = graphql(`
  query MyComplaints {
    myComplaints(first: 200) {
      edges {
        node {
          id
          reference
          subjectType
          status
          description
          submittedAt
          responseDueAt
          resolutionDueAt
          firstResponseAt
          resolvedAt
          closedAt
          escalations
          rejectionReason
          resolution
          rating
          reopenedCount
          reopenableUntil
          facility {
            id
            name
          }
          category {
            code
            name
            nameEn
          }
          history {
            at
            actorRole
            action
            status
            note
          }
        }
      }
    }
  }
`);

export const SubmitComplaint = graphql(`
  mutation SubmitComplaint($input: SubmitComplaintInput!) {
    submitComplaint(input: $input) {
      id
      reference
      status
      responseDueAt
      resolutionDueAt
    }
  }
`);

export const RateComplaint = graphql(`
  mutation RateComplaint($id: ID!, $rating: Int!) {
    rateComplaint(id: $id, rating: $rating) {
      id
      status
      rating
      closedAt
      reopenableUntil
    }
  }
`);

export const ReopenComplaint = graphql(`
  mutation ReopenComplaint($id: ID!, $reason: String!) {
    reopenComplaint(id: $id, reason: $reason) {
      id
      status
      reopenedCount
      resolutionDueAt
      resolvedAt
      closedAt
      reopenableUntil
    }
  }
`);

export const ComplaintQueue = graphql(`
  query ComplaintQueue($facilityId: ID, $statuses: [ComplaintStatus!]) {
    complaintQueue(facilityId: $facilityId, statuses: $statuses, first: 200) {
      edges {
        node {
          id
          reference
          subjectType
          subjectId
          status
          handling
          description
          submittedAt
          responseDueAt
          resolutionDueAt
          firstResponseAt
          escalations
          channel
          onBehalf
          reopenedCount
          facility {
            id
            name
          }
          category {
            code
            name
            nameEn
          }
          history {
            at
            actorRole
            action
            status
            note
          }
        }
      }
    }
  }
`);

export const AssignComplaint = graphql(`
  mutation AssignComplaint($id: ID!, $input: AssignComplaintInput) {
    assignComplaint(id: $id, input: $input) {
      id
      status
      handling
      resolutionDueAt
      firstResponseAt
    }
  }
`);

export const StartComplaint = graphql(`
  mutation StartComplaint($id: ID!) {
    startComplaint(id: $id) {
      id
      status
      firstResponseAt
    }
  }
`);

export const ReplyToComplaint = graphql(`
  mutation ReplyToComplaint($id: ID!, $message: String!) {
    replyToComplaint(id: $id, message: $message) {
      id
      status
      firstResponseAt
    }
  }
`);

export const ResolveComplaint = graphql(`
  mutation ResolveComplaint($id: ID!, $resolution: String!) {
    resolveComplaint(id: $id, resolution: $resolution) {
      id
      status
      resolution
      resolvedAt
    }
  }
`);

export const RejectComplaint = graphql(`
  mutation RejectComplaint($id: ID!, $reason: String!) {
    rejectComplaint(id: $id, reason: $reason) {
      id
      status
      rejectionReason
      closedAt
    }
  }
`);

export const FaqSearch = graphql(`
  query FaqSearch($search: String) {
    faq(search: $search) {
      id
      slug
      version
      questionId
      questionEn
      answerId
      answerEn
      tags
    }
  }
`);

export const MySurveys = graphql(`
  query MySurveys {
    myAppointments {
      edges {
        node {
          id
          status
          sessionDate
          fullName
          product {
            code
            name
          }
          facility {
            id
            name
          }
          survey {
            id
            visitDate
            answered
            token
          }
        }
      }
    }
    surveyElements {
      code
      key
      name
      nameEn
    }
  }
`);

export const SurveyLink = graphql(`
  query SurveyLink($token: String!) {
    surveyLink(token: $token) {
      visitDate
      expiresAt
      facility {
        id
        name
      }
    }
    surveyElements {
      code
      key
      name
      nameEn
    }
  }
`);

export const AnswerSurvey = graphql(`
  mutation AnswerSurvey($input: AnswerSurveyInput!) {
    answerSurvey(input: $input) {
      invitationId
    }
  }
`);
