package io.github.shardingorm.internal.routing;

import io.github.shardingorm.ShardKey;
import io.github.shardingorm.ShardedId;
import jakarta.persistence.Embedded;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OneToOne;
import jakarta.persistence.Transient;
import java.lang.annotation.Annotation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code @ShardKey} / {@code @ShardedId} off the configured entity classes and reports
 * every problem (no key, two keys, unsupported type, key on an association...) in one list.
 */
public final class EntityModelScanner {

    private EntityModelScanner() {
    }

    /**
     * @param entities        the configured classes
     * @param bucketedRouting whether the strategy is bucketed (needed by {@code @ShardedId})
     * @param bucketCount     the cluster's bucket count
     * @param problems        where problems are added
     * @return the models of the entities without problems
     */
    public static Map<Class<?>, ShardedEntityModel> scan(List<Class<?>> entities, boolean bucketedRouting,
                                                         int bucketCount, List<String> problems) {
        Map<Class<?>, ShardedEntityModel> models = new LinkedHashMap<>();
        for (Class<?> entityClass : entities) {
            ShardedEntityModel model = scanOne(entityClass, bucketedRouting, bucketCount, problems);
            if (model != null) {
                models.put(entityClass, model);
            }
        }
        return models;
    }

    private static ShardedEntityModel scanOne(Class<?> type, boolean bucketed, int bucketCount, List<String> problems) {
        Entity entity = type.getAnnotation(Entity.class);
        if (entity == null) {
            problems.add("class " + type.getName() + " is not an @Entity");
            return null;
        }
        String entityName = entity.name().isEmpty() ? type.getSimpleName() : entity.name();
        List<Member> keys = annotated(type, ShardKey.class);
        if (type.isAnnotationPresent(io.github.shardingorm.ReferenceTable.class)) {
            if (!keys.isEmpty()) {
                problems.add("entity " + entityName + " is a @ReferenceTable (copied to every shard) but has a @ShardKey ("
                        + names(keys) + "): remove one of them");
            }
            return null;
        }
        if (keys.isEmpty()) {
            problems.add("entity " + entityName + " (" + type.getName() + ") has no @ShardKey attribute: "
                    + "every sharded entity needs exactly one (a child carries its parent's key)");
            return null;
        }
        if (keys.size() > 1) {
            problems.add("entity " + entityName + " has " + keys.size() + " @ShardKey attributes ("
                    + names(keys) + "): exactly one is allowed");
            return null;
        }
        Member keyMember = keys.get(0);
        KeyAccessor key = KeyAccessor.of(keyMember);
        KeyAccessor parentId = null;
        boolean ok = true;
        boolean toOne = ((AccessibleObject) keyMember).isAnnotationPresent(ManyToOne.class)
                || ((AccessibleObject) keyMember).isAnnotationPresent(OneToOne.class);
        if (toOne) {
            // The key is the parent: its id is the key value, stored once, in the foreign key column.
            Class<?> parent = key.javaType();
            List<Member> parentIds = parent.isAnnotationPresent(Entity.class) ? annotated(parent, Id.class) : List.of();
            if (parentIds.size() != 1) {
                problems.add("entity " + entityName + ": @ShardKey association '" + key.attributeName() + "' must point to an @Entity"
                        + " with a single @Id (its id is the key) but " + parent.getName() + " has " + parentIds.size());
                return null;
            }
            parentId = KeyAccessor.of(parentIds.get(0));
        }
        Class<?> keyJavaType = parentId != null ? parentId.javaType() : key.javaType();
        KeyType keyType = KeyType.of(keyJavaType);
        if (keyType == null) {
            problems.add("entity " + entityName + ": @ShardKey attribute '" + key.attributeName() + "' has type "
                    + keyJavaType.getName() + (parentId != null ? " (the id of its parent)" : "")
                    + "; supported: long, int, short, byte (and wrappers), String, UUID");
            ok = false;
        }
        for (Class<? extends Annotation> association : List.of(OneToMany.class, ManyToMany.class, Embedded.class, Transient.class)) {
            if (((AccessibleObject) keyMember).isAnnotationPresent(association)) {
                problems.add("entity " + entityName + ": @ShardKey attribute '" + key.attributeName() + "' is @"
                        + association.getSimpleName() + "; the key must be a basic persistent attribute "
                        + "(hold the parent's key value, e.g. Long authorId) or a @ManyToOne to the parent");
                ok = false;
            }
        }
        List<Member> ids = annotated(type, Id.class);
        ids.addAll(annotated(type, EmbeddedId.class));
        String idAttribute = ids.size() == 1 ? KeyAccessor.of(ids.get(0)).attributeName() : null;
        List<Member> shardedIds = annotated(type, ShardedId.class);
        ShardedEntityModel.IdRouting idRouting = ShardedEntityModel.IdRouting.NOT_ROUTABLE;
        if (!shardedIds.isEmpty()) {
            Member sid = shardedIds.get(0);
            KeyAccessor sidAccessor = KeyAccessor.of(sid);
            if (!((AccessibleObject) sid).isAnnotationPresent(Id.class)) {
                problems.add("entity " + entityName + ": @ShardedId attribute '" + sidAccessor.attributeName() + "' must also be the @Id");
                ok = false;
            } else if (sidAccessor.javaType() != long.class && sidAccessor.javaType() != Long.class) {
                problems.add("entity " + entityName + ": @ShardedId attribute '" + sidAccessor.attributeName()
                        + "' must be long or Long but is " + sidAccessor.javaType().getName());
                ok = false;
            } else if (!bucketed) {
                problems.add("entity " + entityName + ": @ShardedId needs a bucketed strategy (hash, consistent hash, "
                        + "weighted); range and directory strategies cannot route an id by its bucket");
                ok = false;
            } else if (bucketCount > io.github.shardingorm.ShardAwareId.MAX_BUCKETS) {
                problems.add("entity " + entityName + ": @ShardedId carries " + io.github.shardingorm.ShardAwareId.BUCKET_BITS
                        + " bits of bucket, so the bucket count must be at most " + io.github.shardingorm.ShardAwareId.MAX_BUCKETS
                        + " but is " + bucketCount);
                ok = false;
            } else if (sid.equals(keyMember)) {
                problems.add("entity " + entityName + ": '" + sidAccessor.attributeName()
                        + "' cannot be both @ShardKey and @ShardedId (a generated id cannot decide its own shard)");
                ok = false;
            }
            idRouting = ShardedEntityModel.IdRouting.SHARD_AWARE_ID;
        } else if (ids.size() == 1 && ids.get(0).equals(keyMember)) {
            idRouting = ShardedEntityModel.IdRouting.ID_IS_KEY;
        }
        return ok ? new ShardedEntityModel(type, entityName, key, keyType, idAttribute, idRouting, parentId) : null;
    }

    /** The configured {@code @ReferenceTable} entities (copied to every shard; no {@code @ShardKey}). */
    public static java.util.Set<Class<?>> referenceEntities(List<Class<?>> entities) {
        java.util.Set<Class<?>> found = new java.util.LinkedHashSet<>();
        for (Class<?> type : entities) {
            if (type.isAnnotationPresent(io.github.shardingorm.ReferenceTable.class) && type.isAnnotationPresent(Entity.class)) {
                found.add(type);
            }
        }
        return found;
    }

    /** Fields and getters carrying {@code annotation}, walking up the class hierarchy. */
    private static List<Member> annotated(Class<?> type, Class<? extends Annotation> annotation) {
        List<Member> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers()) && f.isAnnotationPresent(annotation)) {
                    found.add(f);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0 && !m.isSynthetic()
                        && !m.isBridge() && m.isAnnotationPresent(annotation)) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private static String names(List<Member> members) {
        return String.join(", ", members.stream().map(m -> KeyAccessor.of(m).attributeName()).toList());
    }
}
