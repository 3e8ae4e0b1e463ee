package io.llmtestbed.infra.aws;

import java.util.List;
import software.amazon.awscdk.services.ec2.BlockDevice;
import software.amazon.awscdk.services.ec2.BlockDeviceVolume;
import software.amazon.awscdk.services.ec2.EbsDeviceOptions;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.ec2.Instance;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.kms.IKey;
import software.constructs.Construct;

/**
 * The hardening every EC2 host of the testbed gets, kept in one place so that no host can miss
 * it: IMDSv2 only, no public IP, a KMS-encrypted gp3 root volume deleted with the instance,
 * detailed monitoring, tags on volumes, and replacement (not in-place change) when the user data
 * changes. Callers add the network placement, instance type, image and security group.
 */
final class PrivateHost {

    private PrivateHost() {
    }

    /** A builder with the hardening applied; {@code rootVolumeGiB} sizes the root volume. */
    static Instance.Builder builder(Construct scope, String id, IRole role, UserData userData,
            IKey volumeKey, int rootVolumeGiB) {
        return Instance.Builder.create(scope, id)
                .role(role)
                .userData(userData)
                .userDataCausesReplacement(true)
                .requireImdsv2(true)
                .associatePublicIpAddress(false)
                .detailedMonitoring(true)
                .propagateTagsToVolumeOnCreation(true)
                .blockDevices(List.of(BlockDevice.builder()
                        .deviceName("/dev/xvda")
                        .volume(BlockDeviceVolume.ebs(rootVolumeGiB, EbsDeviceOptions.builder()
                                .encrypted(true)
                                .kmsKey(volumeKey)
                                .volumeType(EbsDeviceVolumeType.GP3)
                                .deleteOnTermination(true)
                                .build()))
                        .build()));
    }
}
