package io.github.shardingorm.internal.routing;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Transient;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntityModelScannerTest {

    // ------------------------------------------------------------------ test entities

    @Entity
    static class User {
        @Id
        @ShardKey
        Long id;
        String name;
    }

    @Entity
    static class Post {
        @Id
        Long id;
        @ShardKey
        int authorId;
    }

    @Entity(name = "Tenant")
    static class PropertyAccessTenant {
        private String tenantCode;
        private Long id;

        @Id
        public Long getId() {
            return id;
        }

        @ShardKey
        public String getTenantCode() {
            return tenantCode;
        }
    }

    @MappedSuperclass
    abstract static class OwnedBySomeone {
        @ShardKey
        UUID ownerId;
    }

    @Entity
    static class Document extends OwnedBySomeone {
        @Id
        Long id;
    }

    @Entity
    static class Orphan {
        @Id
        Long id;
    }

    @Entity
    static class TwoKeys {
        @Id
        Long id;
        @ShardKey
        Long regionId;
        @ShardKey
        Long customerId;
    }

    @Entity
    static class MoneyKey {
        @Id
        Long id;
        @ShardKey
        BigDecimal amount;
    }

    @Entity
    static class DateKey {
        @Id
        Long id;
        @ShardKey
        LocalDate day;
    }

    @Entity
    static class Comment {
        @Id
        Long id;
        @ShardKey
        @ManyToOne
        User author;
    }

    @Entity
    static class Order {
        @Id
        @ShardedId
        Long id;
        @ShardKey
        long customerId;
    }

    @Entity
    static class ShardedIdNotOnId {
        @Id
        Long id;
        @ShardedId
        Long number;
        @ShardKey
        long customerId;
    }

    @Entity
    static class StringShardedId {
        @Id
        @ShardedId
        String id;
        @ShardKey
        long customerId;
    }

    @Entity
    static class ShardedIdIsKey {
        @Id
        @ShardedId
        @ShardKey
        Long id;
    }

    @Entity
    static class TransientKey {
        @Id
        Long id;
        @ShardKey
        @Transient
        Long cachedTenant;
    }

    static class NotAnEntity {
        @Id
        @ShardKey
        Long id;
    }

    // ------------------------------------------------------------------ helpers

    private static final int BUCKETS = 4096;

    private static Map<Class<?>, ShardedEntityModel> scan(List<String> problems, Class<?>... entities) {
        return EntityModelScanner.scan(List.of(entities), true, BUCKETS, problems);
    }

    private static ShardedEntityModel scanValid(Class<?> entity) {
        List<String> problems = new ArrayList<>();
        Map<Class<?>, ShardedEntityModel> models = scan(problems, entity);
        assertEquals(List.of(), problems);
        ShardedEntityModel model = models.get(entity);
        assertNotNull(model, "no model for " + entity);
        return model;
    }

    private static String onlyProblem(boolean bucketed, int bucketCount, Class<?> entity) {
        List<String> problems = new ArrayList<>();
        Map<Class<?>, ShardedEntityModel> models = EntityModelScanner.scan(List.of(entity), bucketed, bucketCount, problems);
        assertEquals(1, problems.size(), problems::toString);
        assertNull(models.get(entity), "an entity with a problem has no model");
        return problems.get(0);
    }

    private static String onlyProblem(Class<?> entity) {
        return onlyProblem(true, BUCKETS, entity);
    }

    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "expected '" + part + "' in: " + text);
        }
    }

    // ------------------------------------------------------------------ valid keys

    @Test
    void scan_readsFieldKey() {
        ShardedEntityModel model = scanValid(Post.class);
        assertEquals(Post.class, model.entityClass());
        assertEquals("Post", model.entityName());
        assertEquals("authorId", model.keyAttribute());
        assertEquals(KeyType.INTEGRAL, model.keyType());
        assertEquals("id", model.idAttribute());
        Post post = new Post();
        post.authorId = 42;
        assertEquals(42, model.key().read(post));
    }

    @Test
    void scan_readsGetterKey_withPropertyAccess_andUsesEntityName() {
        ShardedEntityModel model = scanValid(PropertyAccessTenant.class);
        assertEquals("Tenant", model.entityName());
        assertEquals("tenantCode", model.keyAttribute());
        assertEquals(KeyType.TEXT, model.keyType());
        assertEquals("id", model.idAttribute());
        PropertyAccessTenant tenant = new PropertyAccessTenant();
        tenant.tenantCode = "acme";
        assertEquals("acme", model.key().read(tenant));
    }

    @Test
    void scan_findsKeyInMappedSuperclass() {
        ShardedEntityModel model = scanValid(Document.class);
        assertEquals("ownerId", model.keyAttribute());
        assertEquals(KeyType.UUID, model.keyType());
        Document doc = new Document();
        doc.ownerId = UUID.randomUUID();
        assertEquals(doc.ownerId, model.key().read(doc));
    }

    // ------------------------------------------------------------------ key problems

    @Test
    void scan_reportsEntityWithoutKey() {
        String problem = onlyProblem(Orphan.class);
        assertContains(problem, "Orphan", Orphan.class.getName(), "no @ShardKey");
    }

    @Test
    void scan_reportsTwoKeys_namingBoth() {
        String problem = onlyProblem(TwoKeys.class);
        assertContains(problem, "TwoKeys", "2 @ShardKey", "regionId", "customerId", "exactly one");
    }

    @Test
    void scan_reportsBigDecimalKey_asUnsupportedType() {
        assertContains(onlyProblem(MoneyKey.class), "MoneyKey", "'amount'", "java.math.BigDecimal", "supported");
    }

    @Test
    void scan_reportsLocalDateKey_asUnsupportedType() {
        assertContains(onlyProblem(DateKey.class), "DateKey", "'day'", "java.time.LocalDate");
    }

    @Test
    void scan_acceptsAManyToOneToTheParentAsTheKey_theKeyBeingTheParentsId() {
        List<String> problems = new ArrayList<>();
        Map<Class<?>, ShardedEntityModel> models = scan(problems, Comment.class);
        assertEquals(List.of(), problems);
        ShardedEntityModel model = models.get(Comment.class);
        assertTrue(model.keyIsAssociation());
        assertEquals("author", model.keyAttribute());
        assertEquals("id", model.parentIdAttribute());
        assertEquals(KeyType.of(Long.class), model.keyType());
    }

    @Entity
    static class NotAnEntityParent {
        @Id
        Long id;
        @ShardKey
        @ManyToOne
        Object parent;
    }

    @Test
    void scan_reportsAKeyAssociationToSomethingWithoutASingleId() {
        assertContains(onlyProblem(NotAnEntityParent.class), "NotAnEntityParent", "'parent'", "single @Id");
    }

    @Test
    void scan_reportsTransientKey() {
        assertContains(onlyProblem(TransientKey.class), "TransientKey", "'cachedTenant'", "@Transient");
    }

    @Test
    void scan_reportsNonEntityClass() {
        assertContains(onlyProblem(NotAnEntity.class), NotAnEntity.class.getName(), "not an @Entity");
    }

    // ------------------------------------------------------------------ @ShardedId

    @Test
    void scan_acceptsShardedIdNextToKey_withBucketedStrategy() {
        ShardedEntityModel model = scanValid(Order.class);
        assertEquals(ShardedEntityModel.IdRouting.SHARD_AWARE_ID, model.idRouting());
        assertEquals("customerId", model.keyAttribute());
    }

    @Test
    void scan_acceptsShardedId_withMaximumBucketCount() {
        List<String> problems = new ArrayList<>();
        EntityModelScanner.scan(List.of(Order.class), true, 8192, problems);
        assertEquals(List.of(), problems);
    }

    @Test
    void scan_reportsShardedIdOnNonIdAttribute() {
        assertContains(onlyProblem(ShardedIdNotOnId.class), "ShardedIdNotOnId", "'number'", "must also be the @Id");
    }

    @Test
    void scan_reportsShardedIdOnStringId() {
        assertContains(onlyProblem(StringShardedId.class), "StringShardedId", "'id'", "long or Long", "java.lang.String");
    }

    @Test
    void scan_reportsShardedId_withRangeStrategy() {
        assertContains(onlyProblem(false, BUCKETS, Order.class), "Order", "bucketed strategy", "range");
    }

    @Test
    void scan_reportsShardedId_withMoreThan8192Buckets() {
        assertContains(onlyProblem(true, 8193, Order.class), "Order", "at most 8192", "8193");
    }

    @Test
    void scan_reportsShardedIdOnTheKeyItself() {
        assertContains(onlyProblem(ShardedIdIsKey.class), "ShardedIdIsKey", "'id'", "both @ShardKey and @ShardedId");
    }

    // ------------------------------------------------------------------ all together

    @Test
    void scan_reportsProblemsOfEveryBadEntityTogether_andKeepsTheGoodOnes() {
        List<String> problems = new ArrayList<>();
        Map<Class<?>, ShardedEntityModel> models = scan(problems, User.class, Orphan.class, TwoKeys.class,
                MoneyKey.class, NotAnEntity.class, Post.class, StringShardedId.class);
        assertEquals(5, problems.size(), problems::toString);
        String all = String.join("\n", problems);
        assertContains(all, "Orphan", "TwoKeys", "MoneyKey", NotAnEntity.class.getName(), "StringShardedId");
        assertEquals(List.of(User.class, Post.class), List.copyOf(models.keySet()));
    }

    // ------------------------------------------------------------------ id routing

    @Test
    void scan_idRouting_isIdIsKey_whenTheIdIsTheKey() {
        assertEquals(ShardedEntityModel.IdRouting.ID_IS_KEY, scanValid(User.class).idRouting());
    }

    @Test
    void scan_idRouting_isShardAwareId_withShardedId() {
        assertEquals(ShardedEntityModel.IdRouting.SHARD_AWARE_ID, scanValid(Order.class).idRouting());
    }

    @Test
    void scan_idRouting_isNotRoutable_whenTheIdIsAnotherAttribute() {
        assertEquals(ShardedEntityModel.IdRouting.NOT_ROUTABLE, scanValid(Post.class).idRouting());
        assertEquals(ShardedEntityModel.IdRouting.NOT_ROUTABLE, scanValid(Document.class).idRouting());
        assertEquals(ShardedEntityModel.IdRouting.NOT_ROUTABLE, scanValid(PropertyAccessTenant.class).idRouting());
    }
}
