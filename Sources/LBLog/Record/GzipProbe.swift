import CZlib

/// The zlib version lb was linked against (shown by `lb -vv` and in diagnostics).
public enum ZlibInfo {
    public static var version: String { String(cString: zlibVersion()) }
}
