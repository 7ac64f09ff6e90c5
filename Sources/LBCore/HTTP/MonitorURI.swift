/// Which requests ask for a frontend's `monitor-uri`, as HAProxy decides: a monitor URI that starts with
/// `/` is compared with the request's path and query, so that an absolute-form request
/// (`GET http://host/health`) asks for it too; any other (`http://host/health`) is compared with the
/// request target exactly as sent. The comparison is case-sensitive.
public enum MonitorURI {
    public static func matches(target: String, monitorURI: String) -> Bool {
        guard monitorURI.hasPrefix("/") else { return target == monitorURI }
        return RequestURI(target).pathWithQuery == monitorURI[...]
    }
}
