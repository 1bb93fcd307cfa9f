-- Latest five-minute status per vehicle, read by the dispatch dashboard.
CREATE TABLE [dbo].[VehicleStatus]
(
    [StatusId]      BIGINT        IDENTITY (1, 1) NOT NULL,
    [VehicleId]     NVARCHAR (64) NOT NULL,
    [WindowEnd]     DATETIME2 (7) NOT NULL,
    [ReadingCount]  INT           NOT NULL,
    [AvgSpeedKmh]   FLOAT         NULL,
    [FuelLevel]     FLOAT         NULL,
    [DepotId]       INT           NOT NULL,
    [LoadedAt]      DATETIME2 (7) NOT NULL CONSTRAINT [DF_VehicleStatus_LoadedAt] DEFAULT (SYSUTCDATETIME()),
    CONSTRAINT [PK_VehicleStatus] PRIMARY KEY CLUSTERED ([StatusId] ASC)
);
GO

CREATE NONCLUSTERED INDEX [IX_VehicleStatus_VehicleId]
    ON [dbo].[VehicleStatus]([VehicleId] ASC, [WindowEnd] DESC);
GO
