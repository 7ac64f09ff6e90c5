/// Log analysis for lblog (reports, aggregation, renderers).
public enum LBReportModule {}
