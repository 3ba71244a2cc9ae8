/// A first-come, first-served lock for async code.
///
/// SQLite lets one writer in at a time; rather than have two connections collide and fail with
/// `SQLITE_BUSY`, every write transaction of the process waits its turn here. PostgreSQL needs none.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var head = 0

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if head < waiters.count {
            let next = waiters[head]
            head += 1
            if head > 64 && head * 2 > waiters.count {
                waiters.removeFirst(head)
                head = 0
            }
            next.resume()
        } else {
            busy = false
        }
    }
}
