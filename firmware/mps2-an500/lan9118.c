/* LAN9118 driver: programmed I/O through the chip's FIFOs, register layout
 * and TX command / RX status formats as in SMSC's LAN9118 datasheet. */
#include "lan9118.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define LAN9118_BASE 0xA0000000u
#define REG(off) (*(volatile uint32_t *)(LAN9118_BASE + (off)))

#define RX_DATA_FIFO REG(0x00)
#define TX_DATA_FIFO REG(0x20)
#define RX_STATUS_FIFO REG(0x40)
#define TX_STATUS_FIFO REG(0x48)
#define ID_REV REG(0x50)
#define IRQ_CFG REG(0x54)
#define INT_STS REG(0x58)
#define INT_EN REG(0x5C)
#define BYTE_TEST REG(0x64)
#define RX_CFG REG(0x6C)
#define TX_CFG REG(0x70)
#define HW_CFG REG(0x74)
#define RX_FIFO_INF REG(0x7C)
#define TX_FIFO_INF REG(0x80)
#define PMT_CTRL REG(0x84)
#define MAC_CSR_CMD REG(0xA4)
#define MAC_CSR_DATA REG(0xA8)

#define IRQ_CFG_EN (1u << 8)
#define IRQ_CFG_POL_HIGH (1u << 4)
#define IRQ_CFG_PUSH_PULL (1u << 0)
#define INT_RSFL (1u << 3)          /* RX status FIFO level reached */
#define HW_CFG_SRST 1u
#define PMT_READY 1u
#define TX_CFG_ON (1u << 1)
#define TX_CFG_SAO (1u << 2)        /* TX status FIFO may overrun: we never need it */
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)

#define MAC_CR 1
#define MAC_ADDRH 2
#define MAC_ADDRL 3
#define MAC_CR_RXEN (1u << 2)
#define MAC_CR_TXEN (1u << 3)
#define MAC_CR_FDPX (1u << 20)

#define TXA_FIRST (1u << 13)
#define TXA_LAST (1u << 12)
#define RXS_ERROR (1u << 15)

#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)
#define ETH_IRQ 13

#define FRAME_MAX 1536
#define SPIN_LIMIT 100000

/* Word buffers for one frame each way (the FIFOs move 32-bit words). */
static uint32_t frame_buf[(FRAME_MAX + ETH_PAD_SIZE + 8) / 4];

static int mac_wait(void)
{
    for (int i = 0; i < SPIN_LIMIT; i++)
        if ((MAC_CSR_CMD & MAC_CSR_BUSY) == 0)
            return 0;
    return -1;
}

static uint32_t mac_read(unsigned idx)
{
    if (mac_wait() != 0)
        return 0;
    MAC_CSR_CMD = MAC_CSR_BUSY | MAC_CSR_READ | idx;
    mac_wait();
    return MAC_CSR_DATA;
}

static void mac_write(unsigned idx, uint32_t val)
{
    if (mac_wait() != 0)
        return;
    MAC_CSR_DATA = val;
    MAC_CSR_CMD = MAC_CSR_BUSY | idx;
    mac_wait();
}

void ETH_IRQHandler(void);
void ETH_IRQHandler(void)
{
    /* Frames are taken by lan9118_poll(); the interrupt only ends a WFI. */
    INT_STS = INT_STS;
}

static err_t low_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    uint16_t len = (uint16_t)(p->tot_len - ETH_PAD_SIZE);
    if (len > FRAME_MAX)
        return ERR_BUF;
    /* Wait for room: data words plus the two command words. */
    for (int i = 0;; i++) {
        if ((TX_FIFO_INF & 0xFFFFu) >= (uint32_t)len + 8u)
            break;
        if (i == SPIN_LIMIT)
            return ERR_IF;
    }
    pbuf_copy_partial(p, frame_buf, len, ETH_PAD_SIZE);
    TX_DATA_FIFO = TXA_FIRST | TXA_LAST | len;
    TX_DATA_FIFO = ((uint32_t)len << 16) | len; /* tag = length, length */
    for (unsigned i = 0; i < (len + 3u) / 4u; i++)
        TX_DATA_FIFO = frame_buf[i];
    while ((TX_FIFO_INF >> 16) & 0xFFu)
        (void)TX_STATUS_FIFO;
    return ERR_OK;
}

int lan9118_rx_pending(void)
{
    return ((RX_FIFO_INF >> 16) & 0xFFu) != 0;
}

int lan9118_poll(struct netif *netif)
{
    int frames = 0;
    while (lan9118_rx_pending()) {
        uint32_t status = RX_STATUS_FIFO;
        uint32_t len = (status >> 16) & 0x3FFFu; /* with the 4-byte FCS */
        /* The chip puts ETH_PAD_SIZE bytes (RX_CFG offset) before the frame. */
        uint32_t words = (len + ETH_PAD_SIZE + 3u) / 4u;
        if (len < 18u || len - 4u > FRAME_MAX) {
            /* Not a frame we can use: read it out to keep the FIFO in step. */
            for (uint32_t i = 0; i < words; i++)
                (void)RX_DATA_FIFO;
            continue;
        }
        for (uint32_t i = 0; i < words; i++)
            frame_buf[i] = RX_DATA_FIFO;
        frames++;
        if (status & RXS_ERROR)
            continue;
        uint16_t plen = (uint16_t)(len - 4u + ETH_PAD_SIZE);
        struct pbuf *p = pbuf_alloc(PBUF_RAW, plen, PBUF_POOL);
        if (p == NULL)
            continue; /* TCP will retransmit */
        pbuf_take(p, frame_buf, plen);
        if (netif->input(p, netif) != ERR_OK)
            pbuf_free(p);
    }
    return frames;
}

err_t lan9118_netif_init(struct netif *netif)
{
    if (BYTE_TEST != 0x87654321u || (ID_REV >> 16) != 0x0118u)
        return ERR_IF;
    HW_CFG = HW_CFG_SRST;
    for (int i = 0; (HW_CFG & HW_CFG_SRST) != 0 || (PMT_CTRL & PMT_READY) == 0; i++)
        if (i == SPIN_LIMIT)
            return ERR_IF;

    uint32_t lo = mac_read(MAC_ADDRL), hi = mac_read(MAC_ADDRH);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    for (int i = 0; i < 4; i++)
        netif->hwaddr[i] = (uint8_t)(lo >> (8 * i));
    netif->hwaddr[4] = (uint8_t)hi;
    netif->hwaddr[5] = (uint8_t)(hi >> 8);

    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->mtu = 1500;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
                   NETIF_FLAG_LINK_UP;
    netif->output = etharp_output;
    netif->linkoutput = low_output;

    RX_CFG = (uint32_t)ETH_PAD_SIZE << 8;
    TX_CFG = TX_CFG_ON | TX_CFG_SAO;
    /* Own address and broadcast only (the reset value is promiscuous). */
    mac_write(MAC_CR, MAC_CR_RXEN | MAC_CR_TXEN | MAC_CR_FDPX);
    IRQ_CFG = IRQ_CFG_EN | IRQ_CFG_POL_HIGH | IRQ_CFG_PUSH_PULL;
    INT_STS = 0xFFFFFFFFu;
    INT_EN = INT_RSFL;
    NVIC_ISER0 = 1u << ETH_IRQ;
    return ERR_OK;
}
