import Quests
import World

/// One recorded fact about one participant in one contract, as the event log holds it.
///
/// Events are applied in log order; each carries the server's time (Unix ms) and is judged
/// on its own. JSON is one key naming the case:
/// `{"position":{"at":1738000001000,"gameHour":21,"weather":"rain","x":1200,"y":1500}}`,
/// `{"accepted":{"at":1738000000000}}`, `{"clock":{"at":1738003600000}}`.
public enum ContractEvent: Codable, Hashable, Sendable {
    /// The participant took the quest on.
    case accepted(at: Int64)
    /// A position the movement check accepted, with what the server knew at that moment:
    /// the weather of the region there (nil outside every region) and the game hour.
    case position(x: Double, y: Double, at: Int64, weather: Weather?, gameHour: Int)
    /// The participant gave up.
    case abandoned(at: Int64)
    /// The participant's reward was paid.
    case settled(at: Int64)
    /// Time passed with nothing else happening; lets a participant expire at the deadline.
    case clock(at: Int64)

    /// When the event happened, Unix ms.
    public var time: Int64 {
        switch self {
        case .accepted(let at), .abandoned(let at), .settled(let at), .clock(let at): at
        case .position(_, _, let at, _, _): at
        }
    }

    /// The event for one of today's progress observations, so the server can log exactly
    /// what it fed `QuestProgress.advance`.
    public init(_ observation: ProgressObservation) {
        self = .position(
            x: observation.point.x, y: observation.point.y, at: observation.time,
            weather: observation.weather, gameHour: observation.gameTime.hour)
    }
}
