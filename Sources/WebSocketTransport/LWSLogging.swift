import CLibWebSockets
import Logging

private let lwsLogger = Logger(label: "libwebsockets")

/// libwebsockets logs through a process-wide C hook; this routes errors and warnings to
/// swift-log and silences lws's chatty notice/info output.
package enum LWSLogging {
    private static let installed: Void = {
        lws_set_log_level(Int32(LLL_ERR | LLL_WARN), emitLWSLogLine)
    }()

    /// Idempotent and thread-safe; call before creating a context.
    package static func install() { _ = installed }
}

private func emitLWSLogLine(_ level: Int32, _ line: UnsafePointer<CChar>?) {
    guard let line else { return }
    var text = String(cString: line)
    while text.last == "\n" { text.removeLast() }
    if level & Int32(LLL_ERR) != 0 {
        lwsLogger.error("\(text)")
    } else {
        lwsLogger.warning("\(text)")
    }
}
