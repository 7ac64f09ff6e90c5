/// Log analysis arrives with the lblog issue.
public enum LBReportModule {}
