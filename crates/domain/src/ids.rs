//! Typed ids: a `TicketId` cannot be passed where a `UserId` is expected.

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    TenantId,
    UserId,
    TicketId,
    GroupId,
    OrgId,
    CommentId,
    JobId,
    ArticleId,
    ApprovalId,
    OutageId,
    CatalogItemId,
    CannedId,
    SavedViewId,
    KnownErrorId,
    CandidateId,
    SurveyId,
    NotificationId,
    RuleId,
    DefinitionId,
    XlaId,
    ClockId,
    CiId,
    CiClassId,
    CiAttributeId,
    ImportId,
    RelationId,
    AssetId,
    ContractId,
    ProductId,
    EntitlementId,
    InstallationId,
    StocktakeId
);
