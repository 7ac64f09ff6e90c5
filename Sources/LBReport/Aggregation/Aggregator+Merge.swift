import LBLog

extension Aggregator {
    /// Folds another worker's results into this one. Names are reconciled through the interners, so the
    /// two may have met frontends, servers and URLs in any order.
    public mutating func merge(_ o: Aggregator) {
        var o = o
        o.foldExactTimers()
        foldExactTimers()
        lines += o.lines
        records += o.records
        httpRecords += o.httpRecords
        tcpRecords += o.tcpRecords
        blankLines += o.blankLines
        eventLines += o.eventLines
        filteredOut += o.filteredOut
        invalidCount += o.invalidCount
        for (reason, n) in o.invalidByReason { invalidByReason[reason, default: 0] += n }
        pendingInvalid.append(contentsOf: o.pendingInvalid)
        pendingStateChanges.append(contentsOf: o.pendingStateChanges)
        for (server, counts) in o.stateChangeCounts {
            for (state, n) in counts { stateChangeCounts[server, default: [:]][state, default: 0] += n }
        }
        firstDate = min(firstDate, o.firstDate)
        lastDate = max(lastDate, o.lastDate)
        for i in 0..<600 { statusCounts[i] += o.statusCounts[i] }
        statusOther += o.statusOther
        for i in 0..<65536 where o.terminationCounts[i] != 0 {
            terminationCounts[i] += o.terminationCounts[i]
            terminationErrors[i] += o.terminationErrors[i]
        }
        denied += o.denied
        for (id, name) in o.deniedClients.names.enumerated() {
            let mine = Int(deniedClients.intern(name))
            if mine == deniedCounts.count { deniedCounts.append(0) }
            deniedCounts[mine] += o.deniedCounts[id]
        }
        errors += o.errors
        serverErrors += o.serverErrors
        aborted += o.aborted
        let feMap = o.frontends.names.map { frontends.intern($0) }
        let beMap = o.backends.names.map { backends.intern($0) }
        let srvMap = o.servers.names.map { servers.intern($0) }
        for (route, name) in o.routes.names.enumerated() {
            let mine = Int(routes.intern(name))
            if mine == routeParts.count {
                let parts = o.routeParts[route]
                routeParts.append((feMap[Int(parts.frontend)], beMap[Int(parts.backend)], srvMap[Int(parts.server)]))
                routeStats.append(GroupStats())
                routeStats.append(GroupStats())
                exactTimers.ensure(slots: routeStats.count)
            }
            routeStats[mine * 2].merge(o.routeStats[route * 2])
            routeStats[mine * 2 + 1].merge(o.routeStats[route * 2 + 1])
        }
        for i in 0..<4 { halogTimers[i].merge(o.halogTimers[i]) }
        for (v, n) in o.halogNegativeDataTimes { halogNegativeDataTimes[v, default: 0] += n }
        mergedURLTables.append(o.urlTable)
        mergedURLTables.append(contentsOf: o.mergedURLTables)
        var urlMap = [Int32](repeating: 0, count: o.urls.count)
        for id in 0..<o.urls.count { urlMap[id] = urls.intern(o.urls.name(Int32(id))) }
        timeline.merge(o.timeline)
        slowest.merge(o.slowest)
        sloGood += o.sloGood
        sloTotal += o.sloTotal
        guard !o.groupKeys.isEmpty else { return }
        func remap(_ value: Int64, _ dimension: Dimension) -> Int64 {
            switch dimension {
            case .frontend: return Int64(feMap[Int(value)])
            case .backend: return Int64(beMap[Int(value)])
            case .server: return Int64(srvMap[Int(value)])
            case .url: return Int64(urlMap[Int(value)])
            case .status: return value
            case .method: return Int64(methods.intern(o.methods.name(Int32(value))))
            case .client: return Int64(clients.intern(o.clients.name(Int32(value))))
            case .header: return Int64(headerValues.intern(o.headerValues.name(Int32(value))))
            }
        }
        let dims = Array(options.groupBy.prefix(3))
        for (i, key) in o.groupKeys.enumerated() {
            var mapped = GroupKey()
            if dims.count > 0 { mapped.a = remap(key.a, dims[0]) }
            if dims.count > 1 { mapped.b = remap(key.b, dims[1]) }
            if dims.count > 2 { mapped.c = remap(key.c, dims[2]) }
            if let index = groupIndex[mapped] {
                groupStats[index].merge(o.groupStats[i])
            } else {
                groupIndex[mapped] = groupStats.count
                groupKeys.append(mapped)
                groupStats.append(o.groupStats[i])
            }
        }
    }
}
