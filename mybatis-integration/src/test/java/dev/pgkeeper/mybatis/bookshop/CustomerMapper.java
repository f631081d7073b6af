package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.bookshop.model.Customer;

/** bookshop/CustomerMapper.xml. */
public interface CustomerMapper {
    Customer findById(long id);

    Customer findByEmail(String email);

    /** Takes the id from the sequence first ({@code <selectKey order="BEFORE">}). */
    int insert(Customer customer);

    /** Sets the fields of {@code patch} that are not {@code null}. */
    int updateProfile(Customer patch);
}
