package dev.podidentity.autopilot.aws;

import dev.podidentity.autopilot.port.ConfigStore;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The config bucket on S3. */
public final class S3ConfigStore implements ConfigStore {
    private final S3Client s3;
    private final String bucket;

    public S3ConfigStore(S3Client s3, String bucket) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.bucket = Objects.requireNonNull(bucket, "bucket (CONFIG_BUCKET)");
    }

    @Override
    public Optional<byte[]> read(String key, String version) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
        if (version != null && !version.isEmpty()) {
            request.versionId(version);
        }
        try {
            return Optional.of(s3.getObjectAsBytes(request.build()).asByteArray());
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "reading s3://" + bucket + "/" + key);
        }
    }

    /** A ranged GET of at most maxBytes + 1 bytes: the object's full size comes back in Content-Range. */
    @Override
    public Optional<byte[]> read(String key, String version, int maxBytes) {
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key)
                .range("bytes=0-" + maxBytes);
        if (version != null && !version.isEmpty()) {
            request.versionId(version);
        }
        try {
            ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(request.build());
            long size = totalSize(got.response().contentRange(), got.asByteArray().length);
            if (size > maxBytes) {
                throw new TooLarge(size);
            }
            return Optional.of(got.asByteArray());
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            if (e.statusCode() == 416) {
                return Optional.of(new byte[0]); // S3 answers a range on an empty object with InvalidRange
            }
            throw AwsErrors.map(e, "reading s3://" + bucket + "/" + key);
        }
    }

    /** "bytes 0-4194304/52428800" -> 52428800; without the header (whole object returned), what was read. */
    static long totalSize(String contentRange, long read) {
        if (contentRange == null || contentRange.indexOf('/') < 0) {
            return read;
        }
        String total = contentRange.substring(contentRange.lastIndexOf('/') + 1).trim();
        try {
            return Long.parseLong(total);
        } catch (NumberFormatException unknown) {
            return read; // "*": size unknown; what was read is at most maxBytes + 1 and is judged as such
        }
    }

    @Override
    public List<String> list(String prefix, String startAfter, int max) {
        List<String> keys = new ArrayList<>();
        try {
            var pages = s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).startAfter(startAfter)
                    .maxKeys(Math.min(max, 1000)));
            for (var page : pages) {
                for (var object : page.contents()) {
                    keys.add(object.key());
                    if (keys.size() == max) {
                        return keys; // no further page is fetched
                    }
                }
            }
            return keys;
        } catch (S3Exception e) {
            throw AwsErrors.map(e, "listing s3://" + bucket + "/" + prefix);
        }
    }

    @Override
    public Optional<String> currentVersion(String key) {
        try {
            String version = s3.headObject(b -> b.bucket(bucket).key(key)).versionId();
            return version == null || version.isEmpty() || version.equals("null") ? Optional.empty()
                    : Optional.of(version);
        } catch (NoSuchKeyException missing) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw AwsErrors.map(e, "reading the current version of s3://" + bucket + "/" + key);
        }
    }

    @Override
    public void write(String key, byte[] content, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
        } catch (S3Exception e) {
            throw AwsErrors.map(e, "writing s3://" + bucket + "/" + key);
        }
    }
}
