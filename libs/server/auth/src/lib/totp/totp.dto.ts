import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** A TOTP code (6 digits) or a recovery code (`xxxx-xxxx-xxxx`). */
const CODE = {
  description: 'A 6-digit code from the authenticator app, or an unused recovery code',
  example: '123456',
};

export class TotpCodeDto {
  @ApiProperty(CODE)
  @IsString()
  @IsNotEmpty()
  @MaxLength(32)
  code!: string;
}

export class SecondStepDto extends TotpCodeDto {
  @ApiProperty({
    description: 'The second-step token of the refused sign-in (header X-Capstan-Second-Factor)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  token!: string;
}

export class EnrolWithTokenDto {
  @ApiProperty({
    description: 'The second-step token of the refused sign-in (header X-Capstan-Second-Factor)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  token!: string;
}

export class DisableTotpDto extends TotpCodeDto {
  @ApiProperty({ description: 'Your current password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password!: string;
}

export class TotpStatusResponse {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'Unused recovery codes' }) recoveryCodesLeft!: number;
}

export class TotpEnrolmentResponse {
  @ApiProperty({ description: 'Base32 secret, for apps that cannot scan the QR code' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/Capstan:alice?secret=…&issuer=Capstan' }) otpauthUri!: string;
  @ApiProperty({ description: 'The otpauth URI as a PNG QR code (data URL)' }) qrCode!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({ type: [String], description: 'Ten one-time recovery codes: shown once, stored hashed' })
  recoveryCodes!: string[];
}

export class EnrolledSessionResponse extends RecoveryCodesResponse {
  @ApiProperty({ description: 'A JWT to send as `Authorization: Bearer <jwt>`' })
  jwt!: string;
}

export class TotpOverviewResponse {
  @ApiProperty({ type: [Number], description: 'Ids of the users whose second factor is on' })
  Enabled!: number[];
}
