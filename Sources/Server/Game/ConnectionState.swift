import Foundation
import Ledger
import WebSocketTransport

/// What the game knows about one open connection.
struct ConnectionState: Sendable {
    /// The pending auth.challenge nonce and when it stops working.
    var nonce: String?
    var nonceExpiresAt: Date?
    /// The signed-in account, if any, and the token hash of its session.
    var account: AccountID?
    var sessionHash: String?
    var sessionExpiresAt: Date?
    var failedLogins = 0
    let remoteAddress: String
    let openedAt: Date

    init(remoteAddress: String, openedAt: Date) {
        self.remoteAddress = remoteAddress
        self.openedAt = openedAt
    }
}
