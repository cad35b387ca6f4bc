package dev.podidentity.autopilot.aws;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The full size of an object read with a range, from S3's Content-Range header. */
class S3ConfigStoreTest {
    @Test
    void totalSize_whenRangeWasCut_isTheObjectsFullSize() {
        assertEquals(52_428_800, S3ConfigStore.totalSize("bytes 0-4194304/52428800", 4_194_305));
    }

    @Test
    void totalSize_whenNoRangeCameBackOrSizeUnknown_isWhatWasRead() {
        assertEquals(812, S3ConfigStore.totalSize(null, 812));
        assertEquals(1025, S3ConfigStore.totalSize("bytes 0-1024/*", 1025));
    }
}
