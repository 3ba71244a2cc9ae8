import FairdeskCore
import Foundation
import Testing
import VaporTesting

@testable import FairdeskApp

@Suite("Attachments")
struct AttachmentTests {
    func multipart(_ fields: [(String, String)], files: [(String, String, Data)]) -> (HTTPHeaders, ByteBuffer) {
        let boundary = "----fairdesk-test-boundary"
        var body = Data()
        for (name, value) in fields {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (name, filename, data) in files {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: image/png\r\n\r\n"
                        .utf8))
            body.append(data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return (["Content-Type": "multipart/form-data; boundary=\(boundary)"], ByteBuffer(data: body))
    }

    func storedFiles(_ fd: TestFairdesk) -> [String] {
        let root = fd.dataDirectory + "/attachments"
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter {
            $0.contains("-") && $0.count > 30
        }
    }

    @Test("a reply with photos stores the files under the data folder and lists them on the timeline")
    func upload() async throws {
        try await TestFairdesk.with { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Broken lid")
            let photo = Data((0..<2_000).map { UInt8($0 % 251) })
            let (headers, body) = multipart(
                [("body", "Here is the photo of the label")], files: [("attachments[]", "label.png", photo)])
            var all = fd.customer.headers
            for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
            let response = try await fd.app.testing().sendRequest(
                .POST, "api/v1/cases/\(made.caseId)/messages", headers: all, body: body)
            #expect(response.status == .created)
            let entry = try fd.decode(EntryDTO.self, response)
            #expect(entry.attachments.count == 1)
            #expect(entry.attachments.first?.filename == "label.png")
            #expect(entry.attachments.first?.byteSize == 2_000)
            #expect(storedFiles(fd).count == 1)
            let download = try await fd.send(.GET, entry.attachments[0].url, as: fd.agent)
            #expect(download.status == .ok)
            #expect(Data(download.body.readableBytesView) == photo)
        }
    }

    @Test("an attachment over the limit is refused with 413 naming it, and no file is kept")
    func tooLarge() async throws {
        try await TestFairdesk.with(.set(\.maximumAttachmentBytes, 1_000)) { fd in
            let made = try await fd.inbound(from: "casey@example.com", body: "Broken lid")
            let (headers, body) = multipart(
                [("body", "big photo")], files: [("attachments[]", "huge.png", Data(count: 1_500))])
            var all = fd.agent.headers
            for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
            let response = try await fd.app.testing().sendRequest(
                .POST, "api/v1/cases/\(made.caseId)/messages", headers: all, body: body)
            #expect(response.status == .payloadTooLarge)
            #expect(try fd.problems(response) == ["attachments[0]: must be at most 1000 bytes (got 1500)"])
            #expect(storedFiles(fd).isEmpty)
            #expect(try await fd.count("attachments") == 0)
        }
    }

    @Test("when the message cannot be saved, its files are removed again")
    func filesRolledBack() async throws {
        try await TestFairdesk.with { fd in
            let (headers, body) = multipart(
                [("body", "to nowhere")], files: [("attachments[]", "a.png", Data(count: 10))])
            var all = fd.agent.headers
            for (name, value) in headers { all.replaceOrAdd(name: name, value: value) }
            let response = try await fd.app.testing().sendRequest(
                .POST, "api/v1/cases/\(UUID())/messages", headers: all, body: body)
            #expect(response.status == .notFound)
            #expect(storedFiles(fd).isEmpty)
        }
    }
}
