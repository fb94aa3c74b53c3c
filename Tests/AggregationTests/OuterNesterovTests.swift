import Foundation
import Testing
@testable import Aggregation

@Suite struct OuterNesterovTests {
    @Test func twoStepsMatchAHandComputedExample() throws {
        var outer = try OuterNesterov(parameterCount: 2)   // lr 0.7, μ 0.9
        var theta: [Float] = [1, 2]
        // Round 1: Δ = [0.1, −0.2], g = [−0.1, 0.2], m = g,
        // θ −= 0.7·(g + 0.9·m) = 0.7·[−0.19, 0.38] → [1.133, 1.734].
        try outer.step(parameters: &theta, aggregatedDelta: [0.1, -0.2])
        #expect(abs(theta[0] - 1.133) < 1e-6 && abs(theta[1] - 1.734) < 1e-6)
        #expect(abs(outer.state.momentum[0] + 0.1) < 1e-7 && abs(outer.state.momentum[1] - 0.2) < 1e-7)
        // Round 2: Δ = [0.1, 0], g = [−0.1, 0], m = 0.9·[−0.1, 0.2] + g = [−0.19, 0.18],
        // θ −= 0.7·(g + 0.9·m) = 0.7·[−0.271, 0.162] → [1.3227, 1.6206].
        try outer.step(parameters: &theta, aggregatedDelta: [0.1, 0])
        #expect(abs(theta[0] - 1.3227) < 1e-6 && abs(theta[1] - 1.6206) < 1e-6)
        #expect(abs(outer.state.momentum[0] + 0.19) < 1e-7 && abs(outer.state.momentum[1] - 0.18) < 1e-7)
        #expect(outer.state.step == 2)
    }

    @Test func withRateOneAndNoMomentumTheModelLandsOnTheAveragedLocalModel() throws {
        var outer = try OuterNesterov(parameterCount: 3, configuration: .init(learningRate: 1, momentum: 0))
        var theta: [Float] = [1, 2, 3]
        try outer.step(parameters: &theta, aggregatedDelta: [0.5, -0.25, 0])
        #expect(theta == [1.5, 1.75, 3])
    }

    @Test func thePseudoGradientFormIsTheNegatedDeltaForm() throws {
        var fromDelta = try OuterNesterov(parameterCount: 2)
        var fromGradient = try OuterNesterov(parameterCount: 2)
        var a: [Float] = [1, 2], b: [Float] = [1, 2]
        try fromDelta.step(parameters: &a, aggregatedDelta: [0.3, -0.1])
        try fromGradient.step(parameters: &b, pseudoGradient: [-0.3, 0.1])
        #expect(a == b && fromDelta == fromGradient)
    }

    @Test func itsStateRoundTripsThroughCodableAndContinuesIdentically() throws {
        var outer = try OuterNesterov(parameterCount: 4)
        var theta: [Float] = [0.1, 0.2, 0.3, 0.4]
        try outer.step(parameters: &theta, aggregatedDelta: [0.01, -0.02, 0.03, -0.04])
        try outer.step(parameters: &theta, aggregatedDelta: [0.02, 0.01, -0.01, 0.05])
        let data = try JSONEncoder().encode(outer)
        var restored = try JSONDecoder().decode(OuterNesterov.self, from: data)
        #expect(restored == outer)
        var thetaRestored = theta
        try outer.step(parameters: &theta, aggregatedDelta: [0.1, 0.1, 0.1, 0.1])
        try restored.step(parameters: &thetaRestored, aggregatedDelta: [0.1, 0.1, 0.1, 0.1])
        #expect(theta == thetaRestored && restored.state.step == 3)
    }

    @Test func aCheckpointWithAnInvalidMomentumIsRefusedAtLoad() throws {
        let json = #"{"configuration":{"learningRate":0.7,"momentum":1.5},"state":{"momentum":[0,0],"step":1}}"#
        #expect(throws: OuterOptimizerError.invalidMomentum(1.5)) {
            try JSONDecoder().decode(OuterNesterov.self, from: Data(json.utf8))
        }
        #expect(throws: OuterOptimizerError.nonFinite(field: "momentum", index: 1)) {
            try OuterNesterov(configuration: .init(), state: .init(momentum: [0, .nan]))
        }
    }

    @Test func aWrongLengthOrNonFiniteDeltaChangesNothing() throws {
        var outer = try OuterNesterov(parameterCount: 2)
        var theta: [Float] = [1, 2]
        #expect(throws: OuterOptimizerError.wrongLength(field: "aggregatedDelta", expected: 2, got: 3)) {
            try outer.step(parameters: &theta, aggregatedDelta: [1, 2, 3])
        }
        #expect(throws: OuterOptimizerError.nonFinite(field: "aggregatedDelta", index: 0)) {
            try outer.step(parameters: &theta, aggregatedDelta: [.nan, 0])
        }
        var short: [Float] = [1]
        #expect(throws: OuterOptimizerError.wrongLength(field: "parameters", expected: 2, got: 1)) {
            try outer.step(parameters: &short, aggregatedDelta: [0, 0])
        }
        #expect(theta == [1, 2] && outer.state.step == 0 && outer.state.momentum == [0, 0])
    }

    @Test func invalidHyperParametersAreRefused() {
        #expect(throws: OuterOptimizerError.invalidLearningRate(0)) {
            try OuterNesterov(parameterCount: 1, configuration: .init(learningRate: 0))
        }
        #expect(throws: OuterOptimizerError.invalidMomentum(1)) {
            try OuterNesterov(parameterCount: 1, configuration: .init(momentum: 1))
        }
        #expect(OuterOptimizerError.invalidMomentum(1).code == "outer.invalid_momentum")
    }

    @Test func resettingTheMomentumKeepsTheStepCount() throws {
        var outer = try OuterNesterov(parameterCount: 2)
        var theta: [Float] = [0, 0]
        try outer.step(parameters: &theta, aggregatedDelta: [1, 1])
        outer.resetMomentum()
        #expect(outer.state.momentum == [0, 0] && outer.state.step == 1)
    }
}
