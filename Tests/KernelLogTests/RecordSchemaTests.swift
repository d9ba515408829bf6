import Foundation
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

/// docs/record.schema.json documents the record; this keeps the two from drifting apart: every
/// key a record writes is declared there, and every required key is written.
@Suite("Record JSON schema")
struct RecordSchemaTests {
    @Test("records of every fixture kind use exactly the documented keys")
    func keysMatchSchema() throws {
        let schemaBytes = try #require(Fixtures.read(Fixtures.packageRoot + "/docs/record.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(schemaBytes)) as? [String: Any])
        let declared = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        let required = Set(schema["required"] as? [String] ?? [])
        var walker = InputWalker()
        walker.add(Fixtures.path("logs"))
        var seen = 0
        for item in walker.items {
            guard let bytes = Fixtures.read(item.path) else { continue }
            for record in FrontDoor.records(bytes) {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: JSONEncoder().encode(record)) as? [String: Any])
                let keys = Set(object.keys)
                #expect(keys.isSubset(of: declared), "\(item.path): undocumented \(keys.subtracting(declared))")
                #expect(required.isSubset(of: keys), "\(item.path): missing \(required.subtracting(keys))")
                seen += 1
            }
        }
        #expect(seen > 40)
    }
}
