import Testing
@testable import Aggregation

@Suite struct UpdateValidationTests {
    let validation: UpdateValidation

    init() throws {
        validation = try UpdateValidation(expectedCount: 100, maxNorm: 10)
    }

    @Test func aValidUpdateReturnsItsNorm() throws {
        let norm = try validation.validate([Float](repeating: 0.5, count: 100))
        #expect(abs(norm - 5) < 1e-9)
    }

    @Test func anUpdateOfTheWrongLengthIsRefused() {
        #expect(throws: UpdateValidationError.wrongLength(expected: 100, got: 99)) {
            try validation.validate([Float](repeating: 0, count: 99))
        }
        #expect(UpdateValidationError.wrongLength(expected: 100, got: 99).code == "update.wrong_length")
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity])
    func aNonFiniteValueIsRefusedWithItsIndex(bad: Float) {
        var update = [Float](repeating: 0, count: 100)
        update[63] = bad
        #expect(throws: UpdateValidationError.nonFinite(index: 63)) { try validation.validate(update) }
        #expect(UpdateValidationError.nonFinite(index: 63).code == "update.non_finite")
    }

    @Test func aNormAboveTheCapIsRefusedAndOneAtTheCapAccepted() throws {
        var update = [Float](repeating: 0, count: 100)
        update[0] = 10
        #expect(try validation.validate(update) == 10)
        update[1] = 0.01
        #expect {
            try validation.validate(update)
        } throws: { error in
            guard case let .normTooLarge(norm, cap) = error as? UpdateValidationError else { return false }
            return abs(norm - 10.000005) < 1e-6 && cap == 10
        }
        #expect(UpdateValidationError.normTooLarge(norm: 11, cap: 10).code == "update.norm_too_large")
    }

    @Test func hugeFiniteValuesGetTheirTrueNormNotInfinity() {
        var update = [Float](repeating: 0, count: 100)
        update[5] = 3e30
        update[6] = -4e30   // squares overflow Float
        #expect {
            try validation.validate(update)
        } throws: { error in
            guard case let .normTooLarge(norm, _) = error as? UpdateValidationError else { return false }
            return abs(norm / 5e30 - 1) < 1e-6
        }
    }

    @Test func validateAllReportsEachUpdateInInputOrder() {
        var bad = [Float](repeating: 0, count: 100)
        bad[2] = .nan
        let results = validation.validateAll([[Float](repeating: 0, count: 100), bad, [0]])
        #expect(results.count == 3)
        #expect((try? results[0].get()) == 0)
        #expect(throws: UpdateValidationError.nonFinite(index: 2)) { try results[1].get() }
        #expect(throws: UpdateValidationError.wrongLength(expected: 100, got: 1)) { try results[2].get() }
    }

    @Test func aCapThatIsNotPositiveIsRefused() {
        #expect(throws: AggregationError.self) { try UpdateValidation(expectedCount: 10, maxNorm: 0) }
        #expect(throws: AggregationError.self) { try UpdateValidation(expectedCount: 10, maxNorm: .nan) }
    }
}

@Suite struct NormClippingTests {
    @Test func anUpdateAboveTheBoundIsScaledOntoItKeepingItsDirection() throws {
        var update: [Float] = [6, 8]   // norm 10
        let factor = try NormClipping(maxNorm: 5).clip(&update)
        #expect(factor == 0.5)
        #expect(update == [3, 4])
    }

    @Test func anUpdateInsideTheBoundIsUntouched() throws {
        var update: [Float] = [0.3, 0.4]
        #expect(try NormClipping(maxNorm: 5).clip(&update) == 1)
        #expect(update == [0.3, 0.4])
    }

    @Test func clippingABatchReportsEachFactorAndBoundsEveryNorm() throws {
        let honest = UpdateFixtures.honest(count: 4, seed: 2)
        let scaled = try Attack.scale(50).craft(count: 2, from: honest, seed: 1)
        let (clipped, factors) = try NormClipping(maxNorm: 2).clip(honest + scaled)
        #expect(factors[0..<4].allSatisfy { $0 == 1 })
        #expect(factors[4..<6].allSatisfy { $0 < 0.05 })
        for update in clipped { #expect(UpdateFixtures.norm(update) <= 2 * (1 + 1e-6)) }
        #expect(clipped[0] == honest[0])
    }

    @Test func aNonFiniteUpdateIsRefusedWithItsPosition() throws {
        let updates: [[Float]] = [[1, 2], [3, .nan]]
        #expect(throws: AggregationError.invalidUpdate(index: 1, reason: .nonFinite(index: 1))) {
            try NormClipping(maxNorm: 1).clip(updates)
        }
    }

    @Test func aBoundThatIsNotFiniteAndPositiveIsRefused() {
        #expect(throws: AggregationError.self) { try NormClipping(maxNorm: -1) }
        #expect(throws: AggregationError.self) { try NormClipping(maxNorm: .infinity) }
    }
}
