package io.github.shardingorm.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Deterministic key populations for the distribution tests (fixed seeds). */
enum KeySets {
    SEQUENTIAL_LONGS {
        @Override
        List<Object> keys(int count) {
            List<Object> keys = new ArrayList<>(count);
            for (long i = 0; i < count; i++) {
                keys.add(i);
            }
            return keys;
        }
    },
    RANDOM_LONGS {
        @Override
        List<Object> keys(int count) {
            Random random = new Random(20_240_601L);
            List<Object> keys = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                keys.add(random.nextLong());
            }
            return keys;
        }
    },
    USER_STRINGS {
        @Override
        List<Object> keys(int count) {
            List<Object> keys = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                keys.add("user-" + i);
            }
            return keys;
        }
    },
    RANDOM_UUIDS {
        @Override
        List<Object> keys(int count) {
            Random random = new Random(42L);
            List<Object> keys = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                keys.add(new UUID(random.nextLong(), random.nextLong()));
            }
            return keys;
        }
    };

    abstract List<Object> keys(int count);
}
