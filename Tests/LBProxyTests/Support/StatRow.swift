import LBStats
@testable import LBProxy

/// One server's `show stat` fields by column name (empty fields left out), as lb would print them now.
func statRow(_ lb: LBHarness, server: String) -> [String: String] {
    let rows = StatRows.rows(lb.balancer.runtime.statsSnapshot())
    guard let row = rows.first(where: { $0.fields[1] == server }) else { return [:] }
    var fields: [String: String] = [:]
    for (column, value) in zip(StatRows.columns, row.fields) { fields[column] = value }
    return fields
}
