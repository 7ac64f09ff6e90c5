/// Counters and renderings arrive with the metrics issue.
public enum LBStatsModule {}
