package analytics

// NewNetworkFromEdgesForTest lets the external tests build from edge lists.
var NewNetworkFromEdgesForTest = NetworkFromEdges
