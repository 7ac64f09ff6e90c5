import LBConfig

extension HealthState {
    /// Applies `on-error` once `error-limit` consecutive traffic errors were seen, and reports whether the
    /// server changed side:
    /// - `fastinter` changes nothing here (the next check only comes sooner);
    /// - `fail-check` counts one failed check;
    /// - `sudden-death` first leaves an UP server one failure from DOWN, then counts one failed check, so
    ///   the next failure takes it down;
    /// - `mark-down` puts the counter at the lowest UP value, then counts one failed check: DOWN at once.
    public mutating func applyTrafficErrors(_ action: TrafficObservation.OnError) -> Transition? {
        switch action {
        case .fastInter:
            return nil
        case .failCheck:
            break
        case .suddenDeath:
            if health > rise { health = rise + 1 }
        case .markDown:
            // Already DOWN stays DOWN without a second report.
            if health > 0 { health = rise }
        }
        return record(passed: false)
    }
}
