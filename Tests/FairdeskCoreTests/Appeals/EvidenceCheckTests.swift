import Foundation
import Testing

@testable import FairdeskCore

@Suite("Appeals: evidence files are checked by their bytes, not their names")
struct EvidenceCheckTests {
    static let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46])
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00])

    func refusal(_ name: String, _ data: Data, maximumBytes: Int = EvidenceCheck.defaultMaximumBytes) -> String? {
        do {
            _ = try EvidenceCheck.check(filename: name, data: data, maximumBytes: maximumBytes)
            return nil
        } catch {
            return error.problems.first?.rule
        }
    }

    @Test("photos, PDFs, traces and text of the right kind are accepted as their type")
    func accepted() throws {
        #expect(try EvidenceCheck.check(filename: "door.JPG", data: Self.jpeg) == .jpeg)
        #expect(try EvidenceCheck.check(filename: "screen.png", data: Self.png) == .png)
        #expect(try EvidenceCheck.check(filename: "letter.pdf", data: Data("%PDF-1.7\n1 0 obj".utf8)) == .pdf)
        #expect(
            try EvidenceCheck.check(filename: "route.gpx", data: Data("<?xml version=\"1.0\"?><gpx></gpx>".utf8))
                == .gpx)
        #expect(try EvidenceCheck.check(filename: "trace.csv", data: Data("time,lat,lon\n".utf8)) == .csv)
        #expect(
            try EvidenceCheck.check(filename: "notes.txt", data: Data("Gate code was wrong.\r\n".utf8)) == .plainText)
    }

    @Test("a program is refused even when it is named like a photo")
    func programs() {
        #expect(
            refusal("door.jpg", Data([0x4D, 0x5A, 0x90, 0x00])) == "must not be a program (found a Windows program)")
        #expect(refusal("run.txt", Data("#!/bin/sh\nrm -rf /".utf8)) == "must not be a program (found a script)")
        #expect(
            refusal("a.pdf", Data([0x7F, 0x45, 0x4C, 0x46, 0x02])) == "must not be a program (found a Linux program)")
    }

    @Test("archives are refused whatever they are called, with a way forward")
    func archives() {
        #expect(
            refusal("trace.gpx", Data([0x50, 0x4B, 0x03, 0x04, 0x14]))
                == "must not be an archive (found a ZIP archive); upload the files inside it one by one")
        #expect(refusal("logs.txt", Data([0x1F, 0x8B, 0x08, 0x00]))?.contains("gzip") == true)
    }

    @Test("a file whose bytes do not match its name is refused, naming what it should have been")
    func mismatch() {
        #expect(
            refusal("door.jpg", Self.png) == "must contain what its name says: a .jpg file must be a JPEG photo")
        #expect(
            refusal("route.gpx", Data("lat,lon".utf8))
                == "must contain what its name says: a .gpx file must be a GPX trace")
    }

    @Test("HTML, SVG and scripts are refused, in text files and as file types")
    func markup() {
        #expect(
            refusal("page.html", Data("<html></html>".utf8))
                == "must be a JPEG, PNG, PDF, GPX, CSV or plain-text file (got .html)")
        #expect(refusal("pic.svg", Data("<svg onload=alert(1)>".utf8))?.hasSuffix("(got .svg)") == true)
        #expect(
            refusal("notes.txt", Data("hello <SCRIPT>alert(1)</script>".utf8))
                == "must not contain HTML, SVG or scripts (found <script)")
        #expect(
            refusal("route.gpx", Data("<gpx><svg/></gpx>".utf8)) == "must not contain HTML, SVG or scripts (found <svg)"
        )
        #expect(
            refusal("letter.pdf", Data("%PDF-1.4\n/OpenAction << /S /JavaScript /JS (app.alert(1)) >>".utf8))
                == "must not contain scripts, launch actions or embedded files (found /JavaScript)")
    }

    @Test("binary content in a text file, empty files and files over the limit are refused")
    func contentAndSize() {
        #expect(
            refusal("trace.csv", Data([0x74, 0x00, 0x01, 0x02]))
                == "must be text in UTF-8 for .csv (found binary content)")
        #expect(refusal("notes.txt", Data()) == "must not be empty")
        #expect(
            refusal("door.jpg", Self.jpeg + Data(count: 2 * 1_048_576), maximumBytes: 1_048_576)
                == "must be at most 1 MB (got 2 MB)")
        #expect(
            refusal("README", Data("hi".utf8))
                == "must be a JPEG, PNG, PDF, GPX, CSV or plain-text file (got no file name ending)")
    }
}
