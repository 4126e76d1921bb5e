import { graphql } from './gql/index.js';

export const KecamatanList = graphql(`
  query KecamatanList {
    areas(level: KECAMATAN) {
      code
      name
    }
  }
`);

export const KelurahanList = graphql(`
  query KelurahanList($parentCode: String!) {
    areas(level: KELURAHAN, parentCode: $parentCode) {
      code
      name
    }
  }
`);

export const FindCentres = graphql(`
  query FindCentres($kecamatanCode: String, $kelurahanCode: String, $dateFrom: Date!) {
    facilities(kecamatanCode: $kecamatanCode, kelurahanCode: $kelurahanCode, first: 200) {
      edges {
        node {
          id
          name
          type
          address
          kelurahanCode
          latitude
          longitude
          area {
            code
            name
          }
          openingHours {
            weekday
            opens
            closes
          }
          stock {
            usableDoses
            product {
              code
              name
              programme
            }
          }
        }
      }
    }
    sessions(first: 100, filter: { kecamatanCode: $kecamatanCode, kelurahanCode: $kelurahanCode, dateFrom: $dateFrom }) {
      edges {
        node {
          id
          date
          startTime
          endTime
          programme
          remainingPlaces
          servedCount
          status
          facility {
            id
          }
          product {
            code
            name
          }
        }
      }
    }
  }
`);

export const SessionPage = graphql(`
  query SessionPage($id: ID!) {
    session(id: $id) {
      id
      date
      startTime
      endTime
      programme
      doseKinds
      capacity
      remainingPlaces
      status
      productCode
      product {
        code
        name
      }
      facility {
        id
        name
        address
      }
      slots {
        id
        startTime
        endTime
        capacity
        remainingPlaces
      }
    }
  }
`);

export const OtherSessions = graphql(`
  query OtherSessions($productCode: String!, $dateFrom: Date!) {
    sessions(first: 50, filter: { productCode: $productCode, dateFrom: $dateFrom, hasPlaces: true }) {
      edges {
        node {
          id
          date
          startTime
          endTime
          facility {
            id
            name
          }
          slots {
            id
            startTime
            endTime
            remainingPlaces
          }
        }
      }
    }
  }
`);

export const BookAppointment = graphql(`
  mutation BookAppointment($input: BookAppointmentInput!) {
    bookAppointment(input: $input) {
      id
      status
      queueNumber
      slipCode
      programme
      doseKind
      sessionDate
      fullName
      maskedNik
      birthDate
      product {
        code
        name
      }
      slot {
        id
        startTime
        endTime
      }
      facility {
        id
        name
        address
      }
      doses {
        doseKind
        productCode
        status
      }
    }
  }
`);

export const MyAppointments = graphql(`
  query MyAppointments($nik: String, $birthDate: Date, $slipCode: String) {
    myAppointments(nik: $nik, birthDate: $birthDate, slipCode: $slipCode) {
      edges {
        node {
          id
          status
          queueNumber
          slipCode
          programme
          doseKind
          productCode
          sessionDate
          fullName
          maskedNik
          birthDate
          product {
            code
            name
          }
          slot {
            id
            startTime
            endTime
          }
          facility {
            id
            name
            address
          }
        }
      }
    }
  }
`);

export const CancelAppointment = graphql(`
  mutation CancelAppointment($id: ID!, $verification: AppointmentVerificationInput) {
    cancelAppointment(id: $id, verification: $verification) {
      id
      status
      cancelledAt
    }
  }
`);

export const RescheduleAppointment = graphql(`
  mutation RescheduleAppointment($id: ID!, $slotId: ID!, $verification: AppointmentVerificationInput) {
    rescheduleAppointment(id: $id, slotId: $slotId, verification: $verification) {
      id
      status
      queueNumber
      slipCode
      sessionDate
      slot {
        id
        startTime
        endTime
      }
      facility {
        id
        name
        address
      }
    }
  }
`);

export const MyChildren = graphql(`
  query MyChildren {
    myDependants {
      id
      fullName
      birthDate
      sex
      isChild
      residenceKelurahanCode
      motherNikMasked
      motherLink
    }
  }
`);

export const RegisterChild = graphql(`
  mutation RegisterChild($input: RegisterChildInput!) {
    registerChild(input: $input) {
      id
      fullName
      birthDate
    }
  }
`);

export const ChildSchedule = graphql(`
  query ChildSchedule($personId: ID!, $from: Date!, $to: Date!, $kecamatanCode: String!) {
    forecast(personId: $personId) {
      personId
      programme
      applies
      doses {
        antigen
        doseKind
        doseNumber
        status
        givenOn
        recommendedDate
        overdueFrom
        earliestDate
        latestDate
        reason
      }
    }
    dueAndAvailableSessions(personId: $personId, from: $from, to: $to, kecamatanCode: $kecamatanCode) {
      sessionId
      date
      startTime
      endTime
      productCode
      remainingPlaces
      facilityName
      doses {
        antigen
        doseKind
        doseNumber
        status
      }
      session {
        id
        status
        facility {
          id
          name
          address
        }
        slots {
          id
          startTime
          endTime
          remainingPlaces
        }
      }
    }
  }
`);

export const MyRecords = graphql(`
  query MyRecords {
    myAppointments {
      edges {
        node {
          id
          status
          queueNumber
          slipCode
          sessionDate
          fullName
          product {
            code
            name
          }
          slot {
            id
            startTime
            endTime
          }
          facility {
            id
            name
          }
        }
      }
    }
    myPerson {
      id
      doseRecords {
        edges {
          node {
            id
            antigen
            doseNumber
            administeredAt
            product {
              code
              name
            }
            facility {
              id
              name
            }
            deliveries {
              doseRecordId
              target
              state
            }
          }
        }
      }
    }
  }
`);

export const DoseRecordsBySlip = graphql(`
  query DoseRecordsBySlip($nik: String!, $birthDate: Date!, $slipCode: String!) {
    doseRecordsBySlip(nik: $nik, birthDate: $birthDate, slipCode: $slipCode) {
      doseRecordId
      antigen
      doseNumber
      administeredAt
      deliveryState
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
`);
