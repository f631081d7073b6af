package dev.pgkeeper.mybatis.bookshop;

import dev.pgkeeper.mybatis.BaseRepository;
import dev.pgkeeper.mybatis.MyBatisClient;
import dev.pgkeeper.mybatis.bookshop.model.Customer;
import java.util.Optional;

/** Customers. */
public final class CustomerRepository extends BaseRepository<CustomerMapper> {

    public CustomerRepository(MyBatisClient client) {
        super(client, CustomerMapper.class);
    }

    /** Registers the customer; the id comes from the sequence before the insert. */
    public long register(Customer customer) {
        mapper().insert(customer);
        return customer.getId();
    }

    public Optional<Customer> find(long id) {
        return Optional.ofNullable(mapper().findById(id));
    }

    public Optional<Customer> findByEmail(String email) {
        return Optional.ofNullable(mapper().findByEmail(email));
    }

    /**
     * Changes the fields of {@code patch} that are set, on the customer {@code patch.getId()}.
     *
     * @return whether the customer exists
     * @throws IllegalArgumentException when the patch changes nothing
     */
    public boolean updateProfile(Customer patch) {
        if (patch.getEmail() == null && patch.getFullName() == null && patch.getTier() == null) {
            throw new IllegalArgumentException("nothing to change for customer " + patch.getId());
        }
        return mapper().updateProfile(patch) == 1;
    }
}
