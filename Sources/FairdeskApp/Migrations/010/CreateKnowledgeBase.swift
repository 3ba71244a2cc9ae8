import Fluent
import SQLKit

/// The knowledge base: articles admins write, which agents search and the bot answers from, with a
/// full-text index of each database's own kind (see docs/knowledge.md):
/// - SQLite: an FTS5 table over the article's title, tags and body, with the porter stemmer on the
///   unicode61 tokenizer. It reads the text from `kb_articles` itself (external content, so the text
///   is stored once) and triggers keep it in step with every insert, edit and delete.
/// - PostgreSQL: a generated `tsvector` column (title weighted A, tags B, body C) with a GIN index.
struct CreateKnowledgeBase: AsyncMigration {
    var name: String { "010_CreateKnowledgeBase" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await database.schema("kb_articles")
            .id()
            // The article's address and the key the bot cites: made from the title when it is
            // written, and never changed, so links and citations keep working after an edit.
            .field("slug", .string, .required)
            // A whole number of the article's own: FTS5 keys its rows by an integer, and SQLite's
            // hidden rowid of a table with a UUID key may change in a VACUUM.
            .field("seq", .int64, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            // One tag a line.
            .field("tags", .string, .required)
            // Only a person answers this topic: agents read it, the bot hands over instead.
            .field("human_only", .bool, .required)
            // Drafts are shown to admins only; neither agents nor the bot find them.
            .field("published", .bool, .required)
            .field("created_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("updated_by", .uuid, .references("users", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            // 1 when written, one more at every change; an edit made from an older version is refused.
            .field("version", .int, .required)
            .unique(on: "slug")
            .unique(on: "seq")
            .create()
        // The admin page and `publishedArticles()` read articles in title order.
        try await sql.create(index: "kb_articles_by_title").on("kb_articles").column("title").run()
        // Bumped at every change of any article, so the bot knows cheaply when to read them again.
        try await sql.insert(into: "counters").columns("name", "value", "hash")
            .values(SQLBind("knowledge"), SQLBind(Int64(0)), SQLLiteral.null).run()

        if database.isPostgres {
            try await sql.raw(
                """
                ALTER TABLE kb_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english'::regconfig, title), 'A')
                    || setweight(to_tsvector('english'::regconfig, tags), 'B')
                    || setweight(to_tsvector('english'::regconfig, body), 'C')
                ) STORED
                """
            ).run()
            try await sql.raw("CREATE INDEX kb_articles_search ON kb_articles USING GIN (search_vector)").run()
        } else {
            try await sql.raw(
                """
                CREATE VIRTUAL TABLE kb_articles_fts USING fts5(
                    title, tags, body, content = 'kb_articles', content_rowid = 'seq',
                    tokenize = 'porter unicode61 remove_diacritics 2'
                )
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN
                    INSERT INTO kb_articles_fts (rowid, title, tags, body) VALUES (new.seq, new.title, new.tags, new.body);
                END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN
                    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, tags, body)
                    VALUES ('delete', old.seq, old.title, old.tags, old.body);
                END
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF seq, title, tags, body ON kb_articles BEGIN
                    INSERT INTO kb_articles_fts (kb_articles_fts, rowid, title, tags, body)
                    VALUES ('delete', old.seq, old.title, old.tags, old.body);
                    INSERT INTO kb_articles_fts (rowid, title, tags, body) VALUES (new.seq, new.title, new.tags, new.body);
                END
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if !database.isPostgres {
            // Dropping kb_articles drops its triggers; the FTS5 table is separate.
            try await sql.raw("DROP TABLE kb_articles_fts").run()
        }
        try await database.schema("kb_articles").delete()
        try await sql.raw("DELETE FROM counters WHERE name = 'knowledge'").run()
    }
}
