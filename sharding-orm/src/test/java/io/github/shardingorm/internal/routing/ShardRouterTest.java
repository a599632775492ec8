package io.github.shardingorm.internal.routing;

import io.github.shardingorm.ShardAwareId;
import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardRoutingException;
import io.github.shardingorm.ShardedId;
import io.github.shardingorm.routing.ShardingStrategies;
import io.github.shardingorm.spi.BucketedShardResolver;
import io.github.shardingorm.spi.ShardResolver;
import io.github.shardingorm.spi.ShardTopology;
import io.github.shardingorm.spi.ShardingStrategy;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Hibernate;
import org.hibernate.proxy.HibernateProxy;
import org.hibernate.proxy.LazyInitializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class ShardRouterTest {

    // ------------------------------------------------------------------ test entities

    @Entity
    static class Author {
        @Id
        @ShardKey
        Long id;

        Author() {
        }

        Author(Long id) {
            this.id = id;
        }
    }

    /** A child holding its parent's key in a narrower type. */
    @Entity
    static class Post {
        @Id
        Long id;
        @ShardKey
        Integer authorId;

        Post(Integer authorId) {
            this.authorId = authorId;
        }
    }

    @Entity
    static class Order {
        @Id
        @ShardedId
        Long id;
        @ShardKey
        long customerId;

        Order(long customerId) {
            this.customerId = customerId;
        }
    }

    @Entity
    static class Region {
        @Id
        @ShardKey
        String code;
    }

    /** A subclass such as the one a bytecode enhancer or a mapping inheritance produces. */
    static class SpecialAuthor extends Author {
        SpecialAuthor(Long id) {
            super(id);
        }
    }

    /** Shaped like a Hibernate proxy: its own fields are empty, the state is in the implementation. */
    static class AuthorProxy extends Author implements HibernateProxy {
        private final transient LazyInitializer initializer;

        AuthorProxy(LazyInitializer initializer) {
            this.initializer = initializer;
        }

        @Override
        public Object writeReplace() {
            return this;
        }

        @Override
        public LazyInitializer getHibernateLazyInitializer() {
            return initializer;
        }
    }

    static class NotSharded {
    }

    // ------------------------------------------------------------------ fixtures

    private static final List<String> SHARDS = List.of("s0", "s1", "s2", "s3");

    private static ShardRouter router(ShardingStrategy strategy, int bucketCount, Class<?>... entities) {
        List<String> problems = new ArrayList<>();
        ShardResolver resolver = strategy.bind(new ShardTopology(SHARDS, bucketCount), problems);
        assertEquals(List.of(), problems);
        assertNotNull(resolver);
        Map<Class<?>, ShardedEntityModel> models = EntityModelScanner.scan(List.of(entities),
                resolver instanceof BucketedShardResolver, bucketCount, problems);
        assertEquals(List.of(), problems);
        return new ShardRouter(resolver, models, SHARDS, Set.of(), Hibernate::unproxy); // as start-up builds it
    }

    private static ShardRouter hashRouter() {
        return router(ShardingStrategies.hash(), 4096, Author.class, Post.class, Order.class, Region.class);
    }

    private static ShardRouter rangeRouter() {
        ShardingStrategy range = ShardingStrategies.range()
                .shard("s0", null, 100)
                .shard("s1", 200, 300)
                .shard("s2", 300, null)
                .build();
        return router(range, 4096, Author.class);
    }

    private static ShardRoutingException assertRoutingFails(Executable executable, String... messageParts) {
        ShardRoutingException e = assertThrows(ShardRoutingException.class, executable);
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
        }
        return e;
    }

    // ------------------------------------------------------------------ keys

    @Test
    void shardOfEntity_isTheSameForTheSameKey_everyTime_andAcrossRouters() {
        ShardRouter router = hashRouter();
        ShardRouter other = hashRouter();
        for (long key = -500; key < 500; key++) {
            String shard = router.shardOfEntity(new Author(key));
            assertEquals(shard, router.shardOfEntity(new Author(key)));
            assertEquals(shard, other.shardOfEntity(new Author(key)));
            assertEquals(shard, router.shardOfKey(key));
        }
    }

    @Test
    void shardOfKey_spreadsKeysOverEveryShard_neverDefaultingToOne() {
        ShardRouter router = hashRouter();
        Set<String> seen = new HashSet<>();
        for (long key = 0; key < 1000; key++) {
            seen.add(router.shardOfKey(key));
        }
        assertEquals(Set.copyOf(SHARDS), seen);
    }

    @Test
    void shardOfKey_routesIntegerAndLongKeysToTheSameShard() {
        ShardRouter router = hashRouter();
        ShardedEntityModel author = router.model(Author.class);
        for (int key = 0; key < 200; key++) {
            String shard = router.shardOfKey((long) key);
            assertEquals(shard, router.shardOfKey(key));
            assertEquals(shard, router.shardOfKey(author, key));
            assertEquals(shard, router.shardOfKey(author, (long) key));
            if (key <= Short.MAX_VALUE) {
                assertEquals(shard, router.shardOfKey((short) key));
            }
            if (key <= Byte.MAX_VALUE) {
                assertEquals(shard, router.shardOfKey((byte) key));
            }
        }
    }

    @Test
    void shardOfEntity_colocatesChildWithParent_whenChildHoldsParentKeyInNarrowerType() {
        ShardRouter router = hashRouter();
        for (int key = 0; key < 500; key++) {
            assertEquals(router.shardOfEntity(new Author((long) key)), router.shardOfEntity(new Post(key)));
        }
    }

    @Test
    void shardOfEntity_routesTextAndUuidKeys() {
        ShardRouter router = hashRouter();
        Region region = new Region();
        region.code = "EU";
        assertEquals(router.shardOfKey("EU"), router.shardOfEntity(region));
        UUID uuid = UUID.fromString("6b1c4c1e-0d5b-4bb3-9d5f-5a0d1c1e0d5b");
        assertEquals(router.shardOfKey(uuid), router.shardOfKey(uuid));
    }

    @Test
    void shardOfEntity_nullKey_namesEntityAndAttribute() {
        ShardRouter router = hashRouter();
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfEntity(new Post(null)),
                "Post", "'authorId'", "null", "nothing was written");
        assertEquals("Post", e.getEntityName());
        assertNull(e.getKey());
        assertNull(e.getShardId());
    }

    @Test
    void shardOfKey_nullKey_namesEntity() {
        ShardRouter router = hashRouter();
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfKey(router.model(Author.class), null),
                "Author", "null");
        assertEquals("Author", e.getEntityName());
        assertRoutingFails(() -> router.shardOfKey(null), "null");
    }

    @Test
    void shardOfId_nullId_isARoutingFailureNamingTheEntity() {
        ShardRouter router = hashRouter();
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfId(router.model(Author.class), null), "Author", "null");
        assertEquals("Author", e.getEntityName());
        assertRoutingFails(() -> router.shardOfId(router.model(Order.class), null), "Order", "findById(key, id)");
    }

    @Test
    void shardOfKey_wrongKeyType_namesBothTypes() {
        ShardRouter router = hashRouter();
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfKey(router.model(Author.class), "42"),
                "Author", "'42'", "java.lang.String", "'id'", "integral");
        assertEquals("42", e.getKey());
        assertRoutingFails(() -> router.shardOfKey(router.model(Region.class), 42L),
                "Region", "java.lang.Long", "'code'", "String");
        assertRoutingFails(() -> router.shardOfKey(router.model(Author.class), UUID.randomUUID()),
                "java.util.UUID", "integral");
    }

    @Test
    void shardOfKey_unsupportedKeyType_withoutEntity_namesTheType() {
        ShardRouter router = hashRouter();
        assertRoutingFails(() -> router.shardOfKey(4.2d), "4.2", "java.lang.Double", "long/int/short/byte", "UUID");
    }

    // ------------------------------------------------------------------ models

    @Test
    void model_unmanagedClass_namesClassAndListsEntities() {
        ShardRouter router = hashRouter();
        ShardRoutingException e = assertRoutingFails(() -> router.model(NotSharded.class),
                NotSharded.class.getName(), "Author", "Post", "Order", "Region", "entities(");
        assertEquals("NotSharded", e.getEntityName());
        assertNull(router.modelOrNull(NotSharded.class));
        assertRoutingFails(() -> router.shardOfEntity(new NotSharded()), NotSharded.class.getName());
    }

    @Test
    void model_subclassOfEntity_resolvesToTheEntityModel() {
        ShardRouter router = hashRouter();
        assertSame(router.model(Author.class), router.model(SpecialAuthor.class));
        assertSame(router.model(Author.class), router.modelOrNull(AuthorProxy.class));
        assertEquals(router.shardOfEntity(new Author(77L)), router.shardOfEntity(new SpecialAuthor(77L)));
    }

    @Test
    void shardOfEntity_proxy_routesByTheImplementationKey() {
        ShardRouter router = hashRouter();
        Author real = new Author(1234L);
        LazyInitializer initializer = mock(LazyInitializer.class);
        when(initializer.getImplementation()).thenReturn(real);
        AuthorProxy proxy = new AuthorProxy(initializer);
        assertNull(proxy.id, "a proxy's own fields stay empty");
        assertEquals(router.shardOfEntity(real), router.shardOfEntity(proxy));
    }

    @Test
    void shardOfEntity_nullEntity_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> hashRouter().shardOfEntity(null));
    }

    // ------------------------------------------------------------------ ids

    @Test
    void shardOfId_idIsKey_routesLikeTheKey() {
        ShardRouter router = hashRouter();
        ShardedEntityModel author = router.model(Author.class);
        for (long key = 0; key < 100; key++) {
            assertEquals(router.shardOfKey(key), router.shardOfId(author, key));
        }
    }

    @Test
    void shardOfId_shardAwareId_routesToTheShardOfItsKey() {
        ShardRouter router = hashRouter();
        ShardedEntityModel order = router.model(Order.class);
        BucketedShardResolver resolver = router.bucketed();
        for (long customer = 0; customer < 500; customer++) {
            int bucket = resolver.bucketOf(customer);
            assertEquals(bucket, router.bucketOfEntity(order, new Order(customer)));
            long id = ShardAwareId.compose(123_456_789L, bucket, 7, 3);
            assertEquals(router.shardOfEntity(new Order(customer)), router.shardOfId(order, id));
        }
    }

    @Test
    void shardOfId_shardAwareIdAtTheExtremes_routes() {
        ShardRouter router = hashRouter();
        ShardedEntityModel order = router.model(Order.class);
        assertEquals("s0", router.shardOfId(order, ShardAwareId.compose(0, 0, 0, 1)));
        assertEquals("s3", router.shardOfId(order, ShardAwareId.compose(ShardAwareId.MAX_TIMESTAMP, 4095,
                ShardAwareId.MAX_NODE_ID, ShardAwareId.MAX_SEQUENCE)));
    }

    @Test
    void shardOfId_negativeOrZeroShardAwareId_isRejected() {
        ShardRouter router = hashRouter();
        ShardedEntityModel order = router.model(Order.class);
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfId(order, -5L), "Order", "-5", "positive");
        assertEquals(-5L, e.getKey());
        assertRoutingFails(() -> router.shardOfId(order, 0L), "Order", "positive");
        assertRoutingFails(() -> router.shardOfId(order, Long.MIN_VALUE), "Order", "positive");
    }

    @Test
    void shardOfId_shardAwareIdOfAnotherType_isRejected() {
        ShardRouter router = hashRouter();
        assertRoutingFails(() -> router.shardOfId(router.model(Order.class), "12"), "Order", "java.lang.String");
    }

    @Test
    void shardOfId_shardAwareIdWithBucketBeyondTheBucketCount_isRejected() {
        ShardRouter router = router(ShardingStrategies.hash(), 1024, Order.class);
        ShardedEntityModel order = router.model(Order.class);
        long id = ShardAwareId.compose(1000, 5000, 0, 0);
        assertRoutingFails(() -> router.shardOfId(order, id), "Order", String.valueOf(id), "bucket 5000", "1024 buckets");
        assertNotNull(router.shardOfId(order, ShardAwareId.compose(1000, 1023, 0, 0)));
        assertRoutingFails(() -> router.shardOfId(order, ShardAwareId.compose(1000, 1024, 0, 0)), "bucket 1024");
    }

    @Test
    void shardOfId_notRoutable_suggestsFindByIdWithKey() {
        ShardRouter router = hashRouter();
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfId(router.model(Post.class), 99L),
                "Post", "99", "findById(key, id)", "'authorId'");
        assertEquals("Post", e.getEntityName());
        assertEquals(99L, e.getKey());
    }

    // ------------------------------------------------------------------ range, shards

    @Test
    void shardOfKey_rangeStrategy_keyInAGap_mapsToNoShard() {
        ShardRouter router = rangeRouter();
        assertFalse(router.isBucketed());
        assertNull(router.bucketed());
        assertEquals("s0", router.shardOfEntity(new Author(99L)));
        assertEquals("s1", router.shardOfEntity(new Author(200L)));
        assertEquals("s2", router.shardOfKey(300));
        ShardRoutingException e = assertRoutingFails(() -> router.shardOfEntity(new Author(150L)),
                "Author", "150", "range strategy maps it to no shard", "[s0, s1, s2, s3]");
        assertEquals(150L, e.getKey());
        assertEquals("Author", e.getEntityName());
        assertRoutingFails(() -> router.shardOfKey(100), "key 100", "maps it to no shard");
    }

    @Test
    void shardOfKey_rangeStrategy_keyOfAnotherType_isARoutingException() {
        ShardRouter router = rangeRouter();
        // numeric ranges, a String key with no entity named: the caller should get a ShardRoutingException
        assertRoutingFails(() -> router.shardOfKey("abc"), "abc");
    }

    @Test
    void checkShard_acceptsConfiguredShards_andNamesUnknownOnes() {
        ShardRouter router = hashRouter();
        for (String shard : SHARDS) {
            router.checkShard(shard);
        }
        ShardRoutingException e = assertRoutingFails(() -> router.checkShard("s9"), "'s9'", "[s0, s1, s2, s3]");
        assertEquals("s9", e.getShardId());
        assertRoutingFails(() -> router.checkShard(null), "[s0, s1, s2, s3]");
        assertRoutingFails(() -> router.checkShard("S0"), "'S0'");
    }

    @Test
    void router_exposesShardsAndResolver() {
        ShardRouter router = hashRouter();
        assertEquals(SHARDS, router.shardIds());
        assertTrue(router.isBucketed());
        assertSame(router.resolver(), router.bucketed());
        assertEquals("hash", router.resolver().name());
    }
}
