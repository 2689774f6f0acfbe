package importer

import "github.com/nexohq/nexo/graph/importer/importertest"

// connectionsCSV generates a LinkedIn export of n invented connections.
var connectionsCSV = importertest.ConnectionsCSV

// ConnectionsCSVForTest gives connectionsCSV to the store tests of package
// importer_test; it exists only in test builds.
var ConnectionsCSVForTest = connectionsCSV
