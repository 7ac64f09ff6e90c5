/// lb's RFC 5424 structured-data element, so a syslog server can index the main fields without parsing
/// the message: `[lb@32473 fe="fe_main" be="be_app" srv="web1" st="200" TR="0" Tw="0" Tc="0" Tr="0"
/// Ta="0" ts="--NI" ci="127.0.0.1"]`. 32473 is the private enterprise number RFC 5612 reserves for
/// documentation; parameter values escape `"`, `\` and `]` with a backslash as RFC 5424 requires.
public enum LBStructuredData {
    public static let identifier = "lb@32473"

    public static func render(_ record: LogRecord, into output: inout [UInt8]) {
        output.appendASCII("[lb@32473")
        parameter("fe", record.frontend, &output)
        parameter("be", record.backend, &output)
        parameter("srv", record.server, &output)
        number("st", record.status, &output)
        number("TR", record.timeRequest, &output)
        number("Tw", record.timeQueue, &output)
        number("Tc", record.timeConnect, &output)
        number("Tr", record.timeResponse, &output)
        number("Ta", record.timeActive, &output)
        number("Tt", record.timeTotal, &output)
        parameter("ts", record.terminationState, &output)
        parameter("ci", record.clientAddress, &output)
        number("B", Int(record.bytesToClient), &output)
        output.append(0x5D)
    }

    private static func parameter(_ name: StaticString, _ value: String, _ output: inout [UInt8]) {
        output.append(0x20)
        output.appendASCII(name)
        output.appendASCII("=\"")
        for byte in value.utf8 {
            if byte == 0x22 || byte == 0x5C || byte == 0x5D { output.append(0x5C) }
            output.append(byte)
        }
        output.append(0x22)
    }

    private static func number(_ name: StaticString, _ value: Int, _ output: inout [UInt8]) {
        output.append(0x20)
        output.appendASCII(name)
        output.appendASCII("=\"")
        output.appendDecimal(value)
        output.append(0x22)
    }
}
