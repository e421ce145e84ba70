-- Each tenant's vocabulary: the words of its tickets' titles and descriptions and its
-- articles, as written (not stemmed), so a mistyped search word can be matched to the
-- word meant. Filled for existing data when this migration is applied.
CREATE TABLE search_words (
    tenant_id INTEGER NOT NULL REFERENCES tenants(id),
    word TEXT NOT NULL,
    PRIMARY KEY (tenant_id, word)
) WITHOUT ROWID;
