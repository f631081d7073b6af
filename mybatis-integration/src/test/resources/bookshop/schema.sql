-- The bookshop's schema: authors and their books (tagged, priced, versioned for optimistic locking),
-- customers, orders with lines, stock, and an append-only event log that is read as a stream.

CREATE TABLE authors (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    country text,
    born date);

CREATE TABLE books (
    id bigserial PRIMARY KEY,
    author_id bigint NOT NULL REFERENCES authors (id),
    title text NOT NULL,
    isbn text UNIQUE,
    price numeric(10, 2) NOT NULL CONSTRAINT books_price_not_negative CHECK (price >= 0),
    format text NOT NULL DEFAULT 'PAPERBACK' CHECK (format IN ('PAPERBACK', 'EBOOK')),
    pages int,
    download_mb numeric(6, 1),
    version int NOT NULL DEFAULT 1);
CREATE INDEX books_author_id ON books (author_id);

CREATE TABLE tags (
    id bigserial PRIMARY KEY,
    name text NOT NULL UNIQUE);

CREATE TABLE book_tags (
    book_id bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    tag_id bigint NOT NULL REFERENCES tags (id),
    PRIMARY KEY (book_id, tag_id));

CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    full_name text NOT NULL,
    tier text NOT NULL DEFAULT 'STANDARD');

CREATE TABLE stock (
    book_id bigint PRIMARY KEY REFERENCES books (id),
    quantity int NOT NULL CONSTRAINT stock_quantity_not_negative CHECK (quantity >= 0));

CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    status text NOT NULL DEFAULT 'NEW',
    placed_at timestamptz NOT NULL DEFAULT now());

CREATE TABLE order_lines (
    id bigserial PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    line_no int NOT NULL,
    book_id bigint NOT NULL REFERENCES books (id),
    quantity int NOT NULL CHECK (quantity > 0),
    unit_price numeric(10, 2) NOT NULL,
    UNIQUE (order_id, line_no));

CREATE TABLE events (
    id bigserial PRIMARY KEY,
    kind text NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());

-- One copy of a book for a customer, in one statement: takes the copies from stock and writes the order and
-- its line. Out of stock is a check violation (23514), like the constraint a direct UPDATE would break.
CREATE FUNCTION place_order(p_customer bigint, p_book bigint, p_quantity int) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    v_order bigint;
BEGIN
    UPDATE stock SET quantity = quantity - p_quantity WHERE book_id = p_book AND quantity >= p_quantity;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'book % is out of stock: % wanted', p_book, p_quantity
            USING ERRCODE = 'check_violation', HINT = 'Restock the book or order fewer copies';
    END IF;
    INSERT INTO orders (customer_id) VALUES (p_customer) RETURNING id INTO v_order;
    INSERT INTO order_lines (order_id, line_no, book_id, quantity, unit_price)
        SELECT v_order, 1, b.id, p_quantity, b.price FROM books b WHERE b.id = p_book;
    RETURN v_order;
END $$;

-- Cancels an order that has not shipped and puts its copies back; returns the new status. A shipped one is refused with a plain RAISE (SQLState P0001).
CREATE FUNCTION cancel_order(p_order bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM orders WHERE id = p_order) = 'SHIPPED' THEN
        RAISE EXCEPTION 'order % has shipped and cannot be cancelled', p_order;
    END IF;
    UPDATE stock s SET quantity = s.quantity + l.quantity FROM order_lines l
        WHERE l.order_id = p_order AND s.book_id = l.book_id;
    UPDATE orders SET status = 'CANCELLED' WHERE id = p_order;
    RETURN 'CANCELLED';
END $$;
