package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.port.Locks;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The run locks as items of one DynamoDB table ({@code lockId} key; {@code owner}, {@code ownerArn},
 * {@code acquiredAt}, {@code expiresAt} in epoch seconds, the table's TTL attribute). Each write is one conditional
 * request; a failed condition is an answer ("someone else holds it"), not an error. Reads are strongly consistent so
 * a lease written a moment ago is seen. The client comes from a supplier, so it is built on first use.
 */
public final class DynamoDbLocks implements Locks {
    private final Supplier<DynamoDbClient> dynamoDb;
    private final String table;

    public DynamoDbLocks(Supplier<DynamoDbClient> dynamoDb, String table) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public boolean tryAcquire(Lease lease, long now) {
        return put(lease, "attribute_not_exists(lockId) OR expiresAt < :now OR #owner = :me",
                Map.of(":now", number(now), ":me", string(lease.owner())));
    }

    @Override
    public boolean takeOver(Lease lease, String previousOwner) {
        return put(lease, "#owner = :previous", Map.of(":previous", string(previousOwner)));
    }

    private boolean put(Lease lease, String condition, Map<String, AttributeValue> values) {
        try {
            dynamoDb.get().putItem(b -> b.tableName(table).item(item(lease)).conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#owner", "owner")).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException held) {
            return false;
        } catch (DynamoDbException e) {
            throw AwsErrors.map(e, "PutItem " + table + " " + lease.lockId());
        }
    }

    @Override
    public Optional<Lease> read(String lockId) {
        try {
            Map<String, AttributeValue> item = dynamoDb.get().getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("lockId", string(lockId)))).item();
            if (item == null || item.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Lease(lockId, text(item, "owner"), text(item, "ownerArn"),
                    epoch(item, "acquiredAt"), epoch(item, "expiresAt")));
        } catch (DynamoDbException e) {
            throw AwsErrors.map(e, "GetItem " + table + " " + lockId);
        }
    }

    @Override
    public boolean release(String lockId, String owner) {
        try {
            dynamoDb.get().deleteItem(b -> b.tableName(table).key(Map.of("lockId", string(lockId)))
                    .conditionExpression("#owner = :me").expressionAttributeNames(Map.of("#owner", "owner"))
                    .expressionAttributeValues(Map.of(":me", string(owner))));
            return true;
        } catch (ConditionalCheckFailedException notOurs) {
            return false;
        } catch (DynamoDbException e) {
            throw AwsErrors.map(e, "DeleteItem " + table + " " + lockId);
        }
    }

    private static Map<String, AttributeValue> item(Lease lease) {
        return Map.of("lockId", string(lease.lockId()), "owner", string(lease.owner()),
                "ownerArn", string(lease.ownerArn()), "acquiredAt", number(lease.acquiredAt()),
                "expiresAt", number(lease.expiresAt()));
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long epoch(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }
}
