package io.github.shardingorm.it.adoption.data;

import io.github.shardingorm.it.adoption.model.Shopper;
import jakarta.data.repository.Find;
import jakarta.data.repository.Insert;
import jakarta.data.repository.Query;
import jakarta.data.repository.Repository;
import java.util.List;
import java.util.Optional;

/** A plain Jakarta Data repository: Hibernate's processor generates {@code Shoppers_} over a StatelessSession. */
@Repository
public interface Shoppers {

    @Find
    Optional<Shopper> byId(Long id);

    @Query("where name like :pattern order by id")
    List<Shopper> named(String pattern);

    @Insert
    void add(Shopper shopper);
}
