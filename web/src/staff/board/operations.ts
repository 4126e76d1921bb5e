import { graphql } from './gql/index.js';

// The staff board's documents (city dashboard, administration, partners); persisted like the citizens'.

export const BoardFilters = graphql(`
  query BoardFilters {
    areas(level: KECAMATAN) {
      code
      name
    }
    vaccineProducts {
      code
      name
      programme
      doseKinds
    }
  }
`);

export const BoardKelurahan = graphql(`
  query BoardKelurahan($parentCode: String!) {
    areas(level: KELURAHAN, parentCode: $parentCode) {
      code
      name
    }
  }
`);

export const BoardCoverage = graphql(`
  query BoardCoverage($programme: String!, $dose: String!, $level: AreaLevel!, $parentCode: String, $asOf: Date) {
    coverage(programme: $programme, dose: $dose, level: $level, parentCode: $parentCode, asOf: $asOf) {
      area {
        code
        name
      }
      isTotal
      asOf
      target
      achieved
      percentage
      suppressed
    }
  }
`);

export const BoardChildIndicators = graphql(`
  query BoardChildIndicators($cohort: Int!, $level: AreaLevel!, $parentCode: String) {
    childIndicators(cohort: $cohort, level: $level, parentCode: $parentCode) {
      area {
        code
        name
      }
      isTotal
      children
      idl
      idlRate
      ibl
      iblRate
      dpt1
      mr1
      dropoutRate
      uci
      uciThreshold
      suppressed
    }
  }
`);

export const BoardStock = graphql(`
  query BoardStock($withinDays: Int!) {
    stockBoard {
      today
      useRateDays
      city {
        productCode
        onHandDoses
        usableDoses
        dailyUseRate
        daysOfStockLeft
        stockOutDays
        facilitiesStockedOut
      }
      facilities {
        facilityId
        facilityName
        kecamatanCode
        totals {
          productCode
          usableDoses
          dailyUseRate
          daysOfStockLeft
          stockOutDays
        }
      }
    }
    expiringLots(withinDays: $withinDays) {
      lot {
        id
        lotNumber
        productCode
      }
      facilityId
      facility {
        id
        name
      }
      doses
      expiryDate
      daysToExpiry
    }
  }
`);

/** How far reporting's and inventory's projections are behind the event log (events not yet applied). */
export const BoardProjectionLag = graphql(`
  query BoardProjectionLag {
    projectionLag
    inventoryLag
  }
`);

export const BoardDeliveries = graphql(`
  query BoardDeliveries {
    nationalDeliveryHealth {
      backlog
      failing
      failed
      oldestPendingSeconds
      degraded
      deliveryOn
    }
    admin {
      booking {
        deadLetters(first: 50) {
          edges {
            node {
              id
              service
              consumer
              type
              error
              attempts
              createdAt
            }
          }
        }
      }
      immunization {
        deadLetters(first: 50) {
          edges {
            node {
              id
              service
              consumer
              type
              error
              attempts
              createdAt
            }
          }
        }
      }
      inventory {
        deadLetters(first: 50) {
          edges {
            node {
              id
              service
              consumer
              type
              error
              attempts
              createdAt
            }
          }
        }
      }
      reporting {
        deadLetters(first: 50) {
          edges {
            node {
              id
              service
              consumer
              type
              error
              attempts
              createdAt
            }
          }
        }
      }
    }
  }
`);

export const AdminFacilities = graphql(`
  query AdminFacilities {
    facilities(first: 200) {
      edges {
        node {
          id
          code
          name
          type
          kelurahanCode
          kecamatanCode
          address
          phone
          active
          openingHours {
            weekday
            opens
            closes
          }
        }
      }
    }
  }
`);

export const CreateFacility = graphql(`
  mutation CreateFacility($input: CreateFacilityInput!) {
    createFacility(input: $input) {
      id
      name
    }
  }
`);

export const UpdateFacility = graphql(`
  mutation UpdateFacility($id: ID!, $input: UpdateFacilityInput!) {
    updateFacility(id: $id, input: $input) {
      id
      name
      type
      address
      phone
      active
      openingHours {
        weekday
        opens
        closes
      }
    }
  }
`);

export const AdminSessions = graphql(`
  query AdminSessions($kelurahanCode: String, $dateFrom: Date, $dateTo: Date) {
    sessions(first: 100, filter: { kelurahanCode: $kelurahanCode, dateFrom: $dateFrom, dateTo: $dateTo }) {
      edges {
        node {
          id
          date
          startTime
          endTime
          programme
          productCode
          doseKinds
          capacity
          remainingPlaces
          servedCount
          status
          facility {
            id
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
    }
  }
`);

export const CreateSession = graphql(`
  mutation CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) {
      session {
        id
        date
      }
      warnings {
        code
        message
        messageEn
      }
    }
  }
`);

export const UpdateSessionCapacity = graphql(`
  mutation UpdateSessionCapacity($id: ID!, $capacity: Int!) {
    updateSession(id: $id, input: { capacity: $capacity }) {
      session {
        id
        capacity
        remainingPlaces
        slots {
          id
          capacity
          remainingPlaces
        }
      }
      warnings {
        code
        message
        messageEn
      }
    }
  }
`);

export const CloseSession = graphql(`
  mutation CloseSession($id: ID!) {
    closeSession(id: $id) {
      id
      status
      remainingPlaces
    }
  }
`);

export const AdminLots = graphql(`
  query AdminLots($facilityId: ID) {
    lots(facilityId: $facilityId, includeEmpty: false, includeRecalled: false, first: 500) {
      edges {
        node {
          id
          lotNumber
          productCode
          expiryDate
          recalled
          holdings {
            facilityId
            balance
            usable
          }
        }
      }
    }
  }
`);

export const ReceiveStock = graphql(`
  mutation ReceiveStock($input: ReceiveStockInput!) {
    receiveStock(input: $input) {
      lot {
        id
        lotNumber
      }
      entries {
        id
        quantity
        balanceAfter
      }
    }
  }
`);

export const TransferStock = graphql(`
  mutation TransferStock($input: TransferStockInput!) {
    transferStock(input: $input) {
      lot {
        id
        lotNumber
      }
      entries {
        id
        facilityId
        quantity
        balanceAfter
      }
    }
  }
`);

export const PhysicalCount = graphql(`
  mutation PhysicalCount($input: PhysicalCountInput!) {
    recordPhysicalCount(input: $input) {
      lot {
        id
        lotNumber
      }
      entries {
        id
        quantity
        balanceAfter
      }
    }
  }
`);

export const StaffAccounts = graphql(`
  query StaffAccounts {
    staffAccounts(first: 200) {
      totalCount
      edges {
        node {
          id
          role
          username
          facilityId
          displayName
          totpEnabled
          active
        }
      }
    }
  }
`);

export const CreateStaffAccount = graphql(`
  mutation CreateStaffAccount($input: CreateStaffAccountInput!) {
    createStaffAccount(input: $input) {
      id
      username
    }
  }
`);

export const UpdateStaffAccount = graphql(`
  mutation UpdateStaffAccount($id: ID!, $input: UpdateStaffAccountInput!) {
    updateStaffAccount(id: $id, input: $input) {
      id
      role
      facilityId
      displayName
      active
    }
  }
`);

export const PreviewTargets = graphql(`
  query PreviewTargets($csv: String!) {
    previewTargetImport(csv: $csv) {
      rows {
        row
        areaCode
        areaName
        programme
        dose
        year
        effectiveFrom
        effectiveTo
        population
        currentPopulation
      }
      problems {
        row
        field
        messageId
        messageEn
      }
      created
      updated
    }
  }
`);

export const ImportTargets = graphql(`
  mutation ImportTargets($csv: String!) {
    importTargets(csv: $csv) {
      imported
      created
      updated
    }
  }
`);
