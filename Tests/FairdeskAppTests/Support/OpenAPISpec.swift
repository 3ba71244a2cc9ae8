import Foundation
import Yams

/// Just enough of OpenAPI 3.0 to check that the app and its spec agree: the operations, and a
/// JSON Schema check of response bodies (type, required, properties, items, enum, nullable,
/// formats uuid and date-time, $ref, allOf, oneOf, anyOf, additionalProperties: false).
struct OpenAPISpec {
    let document: [String: Any]

    init(yaml: String) throws {
        guard let document = try Yams.load(yaml: yaml) as? [String: Any] else {
            throw TestFailure("openapi.yaml is not a mapping")
        }
        self.document = document
    }

    /// "GET /api/v1/cases/{caseID}" for every operation.
    var operations: Set<String> {
        let paths = document["paths"] as? [String: Any] ?? [:]
        var result: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys
            where ["get", "post", "put", "patch", "delete"].contains(method) {
                result.insert("\(method.uppercased()) \(path)")
            }
        }
        return result
    }

    /// Problems found validating `json` as the response of `method path` with `status`.
    func validate(_ json: Any, method: String, path: String, status: Int) throws -> [String] {
        guard let item = (document["paths"] as? [String: Any])?[path] as? [String: Any],
            let operation = item[method] as? [String: Any],
            let responses = operation["responses"] as? [String: Any]
        else { return ["\(method) \(path) is not in the spec"] }
        guard var response = (responses[String(status)] ?? responses["default"]) as? [String: Any] else {
            return ["\(method) \(path) does not document status \(status)"]
        }
        if let ref = response["$ref"] as? String { response = resolve(ref) }
        guard let content = response["content"] as? [String: Any],
            let media = content["application/json"] as? [String: Any],
            let schema = media["schema"] as? [String: Any]
        else { return ["\(method) \(path) \(status) has no application/json schema"] }
        var problems: [String] = []
        check(json, schema, at: "$", into: &problems)
        return problems
    }

    private func resolve(_ ref: String) -> [String: Any] {
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") {
            node = (node as? [String: Any])?[String(part)] ?? [:]
        }
        return node as? [String: Any] ?? [:]
    }

    private func check(_ value: Any, _ schema: [String: Any], at path: String, into problems: inout [String]) {
        if let ref = schema["$ref"] as? String { return check(value, resolve(ref), at: path, into: &problems) }
        if value is NSNull {
            if schema["nullable"] as? Bool != true && schema["type"] != nil { problems.append("\(path) is null") }
            return
        }
        if let all = schema["allOf"] as? [[String: Any]] {
            for part in all { check(value, part, at: path, into: &problems) }
        }
        for key in ["oneOf", "anyOf"] {
            if let options = schema[key] as? [[String: Any]] {
                let fits = options.contains { option in
                    var local: [String] = []
                    check(value, option, at: path, into: &local)
                    return local.isEmpty
                }
                if !fits { problems.append("\(path) matches none of \(key)") }
            }
        }
        if let allowed = schema["enum"] as? [Any], let text = value as? String {
            if !allowed.contains(where: { "\($0)" == text }) { problems.append("\(path) = \(text) is not in enum") }
        }
        switch schema["type"] as? String {
        case "object":
            guard let object = value as? [String: Any] else { return problems.append("\(path) is not an object") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path).\(name) is required")
            }
            for (name, item) in object {
                if let property = properties[name] as? [String: Any] {
                    check(item, property, at: "\(path).\(name)", into: &problems)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    check(item, extra, at: "\(path).\(name)", into: &problems)
                } else if schema["additionalProperties"] as? Bool == false {
                    problems.append("\(path).\(name) is not in the schema")
                } else if !properties.isEmpty {
                    problems.append("\(path).\(name) is not documented")
                }
            }
        case "array":
            guard let array = value as? [Any] else { return problems.append("\(path) is not an array") }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { check(item, items, at: "\(path)[\(index)]", into: &problems) }
            }
        case "string":
            guard let text = value as? String else { return problems.append("\(path) is not a string") }
            switch schema["format"] as? String {
            case "uuid": if UUID(uuidString: text) == nil { problems.append("\(path) is not a uuid") }
            case "date-time":
                if ISO8601DateFormatter().date(from: text) == nil { problems.append("\(path) is not a date-time") }
            default: break
            }
        case "integer":
            // Foundation on Linux may hand back 0 and 1 as booleans, so only the value is checked.
            if let number = value as? NSNumber, number.doubleValue.rounded() == number.doubleValue {
            } else {
                problems.append("\(path) is not an integer")
            }
        case "number":
            if !(value is NSNumber) { problems.append("\(path) is not a number") }
        case "boolean":
            if !(value is Bool) { problems.append("\(path) is not a boolean") }
        default:
            break
        }
    }
}
