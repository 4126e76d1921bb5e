import { graphql } from './gql/index.js';

// The desk's operations (issue 19 items 1 and 2). Every one is in the persisted manifest (scripts/postbuild.mjs).

export const DeskMe = graphql(`
  query DeskMe {
    me {
      id
      role
      facilityId
      displayName
      username
    }
  }
`);

export const DeskDay = graphql(`
  query DeskDay($facilityId: ID!, $date: Date!) {
    facility(id: $facilityId) {
      id
      name
      type
      kelurahanCode
    }
    facilityDayList(facilityId: $facilityId, date: $date) {
      id
      status
      queueNumber
      slipCode
      programme
      doseKind
      productCode
      walkIn
      fullName
      maskedNik
      birthDate
      sex
      residenceKelurahanCode
      checkedInAt
      completedAt
      slot {
        id
        startTime
        endTime
      }
      session {
        id
        startTime
        endTime
      }
      person {
        id
        fullName
        doseRecords {
          edges {
            node {
              id
              programme
              doseKind
              productCode
              lotNumber
              administeredAt
              vaccinatorName
              status
              facility {
                id
              }
            }
          }
        }
      }
    }
  }
`);

export const DeskSessions = graphql(`
  query DeskSessions($kelurahanCode: String!, $date: Date!) {
    sessions(first: 50, filter: { kelurahanCode: $kelurahanCode, dateFrom: $date, dateTo: $date }) {
      edges {
        node {
          id
          date
          startTime
          endTime
          programme
          productCode
          doseKinds
          status
          facility {
            id
          }
        }
      }
    }
  }
`);

export const DeskLots = graphql(`
  query DeskLots($facilityId: ID!, $productCode: String!) {
    fefoSuggestion(facilityId: $facilityId, productCode: $productCode, doses: 1) {
      productCode
      availableDoses
      picks {
        lot {
          id
          lotNumber
          expiryDate
        }
      }
    }
    lots(facilityId: $facilityId, productCode: $productCode, includeRecalled: false, first: 200) {
      edges {
        node {
          id
          lotNumber
          expiryDate
          recalled
        }
      }
    }
  }
`);

export const DeskCheckIn = graphql(`
  mutation DeskCheckIn($appointmentId: ID!, $slipCode: String!) {
    checkIn(appointmentId: $appointmentId, slipCode: $slipCode) {
      id
      status
      checkedInAt
    }
  }
`);

export const DeskWalkIn = graphql(`
  mutation DeskWalkIn($input: WalkInInput!) {
    recordWalkIn(input: $input) {
      id
      status
      slipCode
      queueNumber
    }
  }
`);

export const DeskRegisterPerson = graphql(`
  mutation DeskRegisterPerson($input: RegisterPersonInput!) {
    registerPerson(input: $input) {
      id
    }
  }
`);

export const DeskNoShows = graphql(`
  mutation DeskNoShows($sessionId: ID!) {
    markNoShows(sessionId: $sessionId) {
      id
      status
    }
  }
`);

export const DeskRecordDose = graphql(`
  mutation DeskRecordDose($input: RecordDoseInput!) {
    recordDose(input: $input) {
      id
      personId
      programme
      doseKind
      productCode
      lotNumber
      administeredAt
      vaccinatorName
      clientRecordId
      valid
      invalidReason
    }
  }
`);

export const DeskDoseRecords = graphql(`
  query DeskDoseRecords($personId: ID!) {
    doseRecords(personId: $personId, includeSuperseded: true, first: 200) {
      edges {
        node {
          id
          programme
          doseKind
          productCode
          lotNumber
          administeredAt
          vaccinatorName
          status
          recordedAt
          facility {
            id
            name
          }
        }
      }
    }
  }
`);

export const DeskCorrectDose = graphql(`
  mutation DeskCorrectDose($input: CorrectDoseInput!) {
    correctDose(input: $input) {
      superseded {
        id
        status
      }
      replacement {
        id
        lotNumber
        status
      }
    }
  }
`);

/** The children of the facility's kelurahan with routine doses due today: kept offline with the day. */
export const DeskDueChildren = graphql(`
  query DeskDueChildren($facilityId: ID!, $asOf: String) {
    dueChildren(facilityId: $facilityId, asOf: $asOf) {
      personId
      fullName
      nikMasked
      birthDate
      sex
      programme
      dueDoses {
        antigen
        doseKind
        status
        recommendedDate
        overdueFrom
        productCodes
      }
    }
  }
`);

/** The facility's health workers by name: the vaccinator choice, kept offline with the day. */
export const DeskVaccinators = graphql(`
  query DeskVaccinators($facilityId: ID!) {
    facilityVaccinators(facilityId: $facilityId) {
      id
      displayName
    }
  }
`);
