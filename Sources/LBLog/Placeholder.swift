/// The log record, formats and sinks arrive with the access-log issue.
public enum LBLogModule {}
