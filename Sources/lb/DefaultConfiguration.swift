/// The configuration lb runs when started without `-f`: a self-contained demo on loopback. Two demo
/// applications (listen sections answering by themselves) sit behind a balancing frontend, next to the
/// stats page. `lb --print-default-config` prints it.
enum DefaultConfiguration {
    static let name = "<embedded default>"

    /// Where the demo writes its gzip access log, relative to the directory lb is started in; lb creates
    /// it when it runs this configuration.
    static let logDirectory = "lb-logs"
    static let logFile = "\(logDirectory)/access.log.gz"

    /// Banner lines about what the demo serves beyond its listeners' first URL.
    static let bannerNotes = ["  stats: http://127.0.0.1:8404/metrics  (Prometheus metrics)"]

    static let text = """
    # lb's embedded demo configuration (print it with: lb --print-default-config)
    global
        maxconn 1024
        # Every request is logged (HAProxy's httplog line) to standard output...
        log stdout format raw local0
        # ...and to a rotating gzip file, readable at any time with zcat or: lblog report \(logFile)
        log file@\(logFile) rotate-size=10m keep=5 flush-interval=1s local0

    defaults
        mode http
        log global
        option httplog
        option dontlognull
        timeout connect 5s
        timeout client 30s
        timeout server 30s
        timeout http-request 10s
        timeout http-keep-alive 10s
        timeout check 2s

    # The entry point: balances over the two demo apps.
    frontend demo
        bind 127.0.0.1:8080
        default_backend apps

    backend apps
        balance roundrobin
        option httpchk GET /
        server app1 127.0.0.1:8081 check inter 2s
        server app2 127.0.0.1:8082 check inter 2s

    # Two tiny applications that answer by themselves.
    listen app1
        bind 127.0.0.1:8081
        http-request return status 200 content-type "text/plain" string "Hello from app1\\n"

    listen app2
        bind 127.0.0.1:8082
        http-request return status 200 content-type "text/plain" string "Hello from app2\\n"

    # The statistics page (user admin, password admin), and the same counts for Prometheus on /metrics
    # (left without a password, as scrapers usually expect; curl -u admin:admin works too).
    listen stats
        bind 127.0.0.1:8404
        stats enable
        stats uri /stats
        stats refresh 5s
        stats auth admin:admin
        http-request use-service prometheus-exporter if { path /metrics }

    """
}
