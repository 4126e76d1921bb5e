import { graphql } from './gql/index.js';

// Certificates' documents (issue 20), in a codegen output of their own (src/certs/gql/) so that the citizens'
// entry chunk does not carry them. HealthCardIssuer and HealthCardPdf are also the edge's own documents
// (gateway/src/certificate-routes.ts): one text, so a trusted-documents-only gateway accepts both.
export const HealthCardIssuer = graphql(`
  query HealthCardIssuer {
    healthCardIssuer {
      issuer
      keys {
        kid
        kty
        crv
        x
        y
        alg
        use
        exp
        crlVersion
      }
      revocationLists {
        kid
        method
        ctr
        rids
      }
    }
  }
`);

export const HealthCardPdf = graphql(`
  query HealthCardPdf($id: ID!) {
    healthCard(id: $id) {
      id
      kind
      status
      issuedAt
      issuer
      qr
      holderName
      holderBirthDate
      doses {
        vaccine
        manufacturer
        lotNumber
        date
        doseNumber
        totalDoses
        centre
        country
        nextDose
        declared
      }
    }
  }
`);

export const CertificatePeople = graphql(`
  query CertificatePeople {
    myPerson {
      id
      fullName
    }
    myDependants {
      id
      fullName
    }
  }
`);

export const PersonHealthCards = graphql(`
  query PersonHealthCards($personId: ID!) {
    healthCards(personId: $personId) {
      id
      kind
      status
      issuedAt
      qr
      holderName
      holderBirthDate
      doses {
        vaccine
        manufacturer
        lotNumber
        date
        doseNumber
        totalDoses
        centre
        nextDose
        declared
      }
    }
  }
`);
